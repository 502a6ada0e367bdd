/**
 * The OIDC sandbox as a process, for the local stack (scripts/lib/infra.sh starts it):
 *   OIDC_SANDBOX_PORT       where it listens on 127.0.0.1
 *   OIDC_SANDBOX_CALLBACKS  the clients' callback base (the gateway), e.g. http://localhost:8081
 * It registers `kakao-local` and `google-local`, the clients the local auth service is given.
 */
import { sandboxClients, startOidcSandbox } from './oidc-provider.ts';

const port = Number(process.env.OIDC_SANDBOX_PORT ?? 8480);
const base = (process.env.OIDC_SANDBOX_CALLBACKS ?? 'http://localhost:8080').replace(/\/$/, '');
const sandbox = await startOidcSandbox({ port, clients: sandboxClients(base) });
console.log(`OIDC sandbox ${sandbox.issuer} (clients kakao-local, google-local → ${base})`);
const stop = () => sandbox.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
