import { gatewayPortOf } from '../../scripts/stack/ports.ts';

/** End-to-end tests drive the running system through the gateway; scripts/test.sh brings it up. */
export default async function setup() {
  const base = process.env.MP_BASE_URL ?? `http://localhost:${gatewayPortOf()}`;
  process.env.MP_BASE_URL = base;
  try {
    const res = await fetch(`${base}/.well-known/jwks.json`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`status ${res.status}`);
  } catch (err) {
    throw new Error(
      `the system is not up at ${base}: run the tests with scripts/test.sh, which starts it (${err})`,
    );
  }
}
