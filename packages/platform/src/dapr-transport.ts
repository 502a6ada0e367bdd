import http, { Agent, request as httpRequest } from 'node:http';

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

/** What the sidecar answered: its status and the body's text. */
export interface SidecarAnswer {
  statusCode: number;
  ok: boolean;
  answerText: string;
}

/** The kit's own requests to the sidecar (bulk publish, state transactions, health), kept alive. */
const keptAlive = new Agent({ keepAlive: true, keepAliveMsecs: 30_000 });

/** Closes the idle connections of the kit's own requests to the sidecar (a stopping app). */
export const closeSidecarConnections = (): void => keptAlive.destroy();

/**
 * One request to the sidecar and its answer's text, on a kept-alive connection: what the kit sends
 * the sidecar itself (bulk publish, state transactions, health), where the SDK has no call or reads
 * the answer wrong. node's HTTP client, not `fetch`, whose WHATWG request, body and stream copies
 * cost a relay several times the request itself. `abortAfterMs` gives up (an error, as an aborted
 * fetch's) and closes the connection. (Its local names are unusual on purpose: scripts/gen/codes.ts
 * follows identifiers by name into the services' functions of the same name.)
 */
export function sidecarRequest(
  target: string,
  sent: { method?: string; headers?: Record<string, string>; payload?: string; abortAfterMs: number },
): Promise<SidecarAnswer> {
  return new Promise((answerWith, failWith) => {
    const outgoing = httpRequest(
      target,
      { method: sent.method ?? 'GET', headers: sent.headers, agent: keptAlive },
      (incoming) => {
        let received = '';
        incoming.setEncoding('utf8');
        incoming.on('data', (piece: string) => {
          received += piece;
        });
        incoming.on('error', failWith);
        incoming.on('close', () => {
          if (!incoming.complete)
            failWith(new Error('the sidecar closed the connection before its answer ended'));
        });
        incoming.on('end', () => {
          clearTimeout(deadline);
          const answeredWith = incoming.statusCode ?? 0;
          answerWith({
            statusCode: answeredWith,
            ok: answeredWith >= 200 && answeredWith < 300,
            answerText: received,
          });
        });
      },
    );
    const deadline = setTimeout(
      () => outgoing.destroy(new Error('The operation was aborted due to timeout')),
      sent.abortAfterMs,
    );
    outgoing.on('error', (why) => {
      clearTimeout(deadline);
      failWith(why);
    });
    outgoing.end(sent.payload);
  });
}
