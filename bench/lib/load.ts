import autocannon from 'autocannon';
import { base, percentiles } from './market.ts';

export interface LoadResult {
  seconds: number;
  requests: number;
  byStatus: Record<string, number>;
  latency: ReturnType<typeof percentiles>;
  perSecond: number;
  /** Bodies of the 201 answers (the orders placed). */
  created: { id: string }[];
}

/**
 * POSTs orders through the gateway with autocannon, rotating the buyers' tokens, and keeps every
 * answer's latency (autocannon's own histogram has no p95) and status.
 */
export function placeOrders(o: {
  tokens: string[];
  body: unknown;
  connections: number;
  duration?: number;
  amount?: number;
  /** Requests per second over all connections (a steady load instead of as fast as possible). */
  rate?: number;
}): Promise<LoadResult> {
  let n = 0;
  const latencies: number[] = [];
  const byStatus: Record<string, number> = {};
  const created: { id: string }[] = [];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: base,
        connections: o.connections,
        ...(o.duration ? { duration: o.duration } : {}),
        ...(o.amount ? { amount: o.amount } : {}),
        ...(o.rate ? { overallRate: o.rate } : {}),
        timeout: 60,
        requests: [
          {
            method: 'POST',
            path: '/api/v1/orders',
            setupRequest: (req) => ({
              ...req,
              headers: {
                ...req.headers,
                'content-type': 'application/json',
                authorization: `Bearer ${o.tokens[n++ % o.tokens.length]}`,
              },
              body: JSON.stringify(o.body),
            }),
            onResponse: (status, body) => {
              byStatus[status] = (byStatus[status] ?? 0) + 1;
              if (status === 201) created.push({ id: JSON.parse(body).id });
            },
          },
        ],
      },
      (err, result) => {
        if (err) return reject(err);
        const seconds = (performance.now() - started) / 1000;
        resolve({
          seconds,
          requests: result.requests.total,
          byStatus,
          latency: percentiles(latencies),
          perSecond: created.length / seconds,
          created,
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
}
