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
