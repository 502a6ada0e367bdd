import http from 'node:http';

/** What the Dapr SDK's HTTPClient passes its fetch (`HTTPClient.client`) and reads of the answer. */
export interface SdkFetchInit {
  method: string;
  headers: Record<string, string>;
  body?: unknown;
  agent?: http.Agent;
}

export interface SdkFetchResponse {
  status: number;
  statusText: string;
  text(): Promise<string>;
}

export type SdkFetch = (url: string, init: SdkFetchInit) => Promise<SdkFetchResponse>;

/**
 * The transport the Dapr SDK's HTTP client sends its requests with (its `HTTPClient.client`, which
 * the SDK fills with node-fetch when nothing is set): node's own HTTP client on the SDK's keep-alive
 * agent, one request and the answer's text, which is all the SDK reads of it (status, status text,
 * body). node-fetch wraps every call in a WHATWG Request, Headers and body streams, a tenth of an
 * app's CPU in a burst of calls to the sidecar (docs/benchmarks.md); the SDK itself (its invoker,
 * state and binding clients, their URLs, serialization and errors) is unchanged. A body that is
 * neither a string nor bytes (never sent by the kit) goes through `fallback`, node-fetch.
 */
export function sidecarFetch(fallback: SdkFetch): SdkFetch {
  return (url, init) => {
    const { body } = init;
    if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array))
      return fallback(url, init);
    return new Promise<SdkFetchResponse>((resolve, reject) => {
      const req = http.request(
        url,
        { method: init.method, headers: init.headers, agent: init.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('close', () => {
            if (!res.complete) reject(new Error('the sidecar closed the connection before its answer ended'));
          });
          res.on('end', () => {
            const text =
              chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
            resolve({
              status: res.statusCode ?? 0,
              statusText: res.statusMessage ?? '',
              text: () => Promise.resolve(text),
            });
          });
        },
      );
      req.on('error', reject);
      req.end(body ?? undefined);
    });
  };
}

/** The kit's own requests to the sidecar (bulk publish, state transactions, health), kept alive. */
const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 30_000 });

/** Closes the idle connections of the kit's own requests to the sidecar (a stopping app). */
export const closeSidecarConnections = (): void => agent.destroy();

/**
 * One request to the sidecar and its answer's text, on a kept-alive connection: what the kit sends
 * the sidecar itself (bulk publish, state transactions, health), where the SDK has no call or reads
 * the answer wrong. node's HTTP client, not `fetch`, whose WHATWG request, body and stream copies
 * cost a relay several times the request itself. `timeoutMs` gives up (an error, as an aborted
 * fetch's) and closes the connection.
 */
export function sidecarRequest(
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs: number },
): Promise<{ status: number; ok: boolean; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: o.method ?? 'GET', headers: o.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('close', () => {
        if (!res.complete) reject(new Error('the sidecar closed the connection before its answer ended'));
      });
      res.on('end', () => {
        clearTimeout(timer);
        const status = res.statusCode ?? 0;
        resolve({ status, ok: status >= 200 && status < 300, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    const timer = setTimeout(
      () => req.destroy(new Error('The operation was aborted due to timeout')),
      o.timeoutMs,
    );
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(o.body);
  });
}
