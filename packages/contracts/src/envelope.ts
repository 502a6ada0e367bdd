import { z } from 'zod';
import { at, correlationId } from './primitives.ts';

/** BaseEvent: the body of every message on the bus. */
export const envelope = z.object({
  eventId: z.uuid(),
  eventType: z.string().regex(/^[a-z_]+(\.[a-z_]+)+$/),
  eventVersion: z.string().regex(/^v\d+$/),
  timestamp: at,
  source: z.string().min(1),
  correlationId,
  userId: z.string().min(1).optional(),
  metadata: z.object({ traceId: z.string(), environment: z.string() }),
  data: z.unknown(),
});
export type Envelope = z.infer<typeof envelope>;
