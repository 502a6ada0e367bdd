import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import proxyaddr from 'proxy-addr';

/**
 * The client's address as the trusted proxies saw it: walking `X-Forwarded-For` from the right,
 * starting at the socket's peer, the first address that is not a trusted proxy (proxy-addr, as
 * Express's `trust proxy`). A client cannot forge it: what it writes into the header sits left of
 * an address a trusted proxy appended. `X-Real-IP` is never read (ingress-nginx with forwarded
 * headers sets it from the client's own header). `trusted` is the `TRUSTED_PROXIES` list:
 * comma-separated CIDRs or proxy-addr's names (`loopback`, `linklocal`, `uniquelocal`).
 */
export function clientIpResolver(trusted: string): (c: Context) => string | undefined {
  const trust = proxyaddr.compile(compileList(trusted));
  return (c) => {
    const peer = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket?.remoteAddress;
    if (!peer) return undefined;
    const xff = c.req.header('x-forwarded-for');
    const req = { headers: xff ? { 'x-forwarded-for': xff } : {}, socket: { remoteAddress: peer } };
    return proxyaddr(req as unknown as IncomingMessage, trust);
  };
}

/** The list's entries; throws (naming the entry) when one is neither a CIDR, an address nor a name. */
export function compileList(trusted: string): string[] {
  const list = trusted
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  proxyaddr.compile(list);
  return list;
}
