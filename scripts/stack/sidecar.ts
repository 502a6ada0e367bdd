/** Reaching a running local stack's sidecars directly, as the end-to-end tests and the benchmarks do. */
import type { ServiceName } from '@mp/contracts';
import { portsOf } from './ports.ts';
import { localSecrets } from './secrets.ts';

/** Publishes a message through a sidecar, as a producer's relay would (same CloudEvent id and type). */
export async function publishThroughSidecar(
  service: ServiceName,
  topic: string,
  envelope: { eventId: string; eventType: string },
) {
  const qs = new URLSearchParams({
    'metadata.cloudevent.id': envelope.eventId,
    'metadata.cloudevent.type': envelope.eventType,
  });
  const res = await fetch(
    `http://127.0.0.1:${portsOf(service).daprHttp}/v1.0/publish/pubsub/${topic}?${qs}`,
    {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'dapr-api-token': localSecrets().daprApiTokens[service],
      },
      body: JSON.stringify(envelope),
    },
  );
  if (res.status !== 204) throw new Error(`publish answered ${res.status}: ${await res.text()}`);
}
