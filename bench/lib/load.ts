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
  /** CPU seconds this process (the load's client) spent while the load ran. */
  clientCpu: number;
}

/**
 * POSTs to one path through the gateway with autocannon, rotating the callers' tokens, and keeps
 * every answer's latency (autocannon's own histogram has no p95), its status and, through `answer`,
 * what it says. autocannon's client (its own HTTP parser, no streams) costs the machine a fraction
 * of what `fetch` does, so a burst's figures are the stack's, not the load's.
 */
export function post(o: {
  path: string;
  tokens: string[];
  body?: unknown;
  connections: number;
  duration?: number;
  amount?: number;
  /** Requests per second over all connections (a steady load instead of as fast as possible). */
  rate?: number;
  /** Called with each answer's status and body text; returns the key it is counted under. */
  answer?: (status: number, body: string) => string;
}): Promise<Omit<LoadResult, 'created' | 'perSecond'>> {
  let n = 0;
  const latencies: number[] = [];
  const byStatus: Record<string, number> = {};
  const body = o.body === undefined ? undefined : JSON.stringify(o.body);
  const cpu = process.cpuUsage();
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
            path: o.path,
            setupRequest: (req) => ({
              ...req,
              headers: {
                ...req.headers,
                ...(body === undefined ? {} : { 'content-type': 'application/json' }),
                authorization: `Bearer ${o.tokens[n++ % o.tokens.length]}`,
              },
              ...(body === undefined ? {} : { body }),
            }),
            onResponse: (status, text) => {
              const key = o.answer ? o.answer(status, text) : String(status);
              byStatus[key] = (byStatus[key] ?? 0) + 1;
            },
          },
        ],
      },
      (err, result) => {
        if (err) return reject(err);
        const used = process.cpuUsage(cpu);
        resolve({
          seconds: (performance.now() - started) / 1000,
          requests: result.requests.total,
          byStatus,
          latency: percentiles(latencies),
          clientCpu: (used.user + used.system) / 1e6,
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
}

/** Places orders (`POST /api/v1/orders` with `body`) as `post` does, keeping the orders made. */
export async function placeOrders(
  o: Omit<Parameters<typeof post>[0], 'path' | 'answer'>,
): Promise<LoadResult> {
  const created: { id: string }[] = [];
  const run = await post({
    ...o,
    path: '/api/v1/orders',
    answer: (status, text) => {
      if (status === 201) created.push({ id: JSON.parse(text).id });
      return String(status);
    },
  });
  return { ...run, created, perSecond: created.length / run.seconds };
}
