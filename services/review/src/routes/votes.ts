import {
  type App,
  createRoute,
  jsonResponse,
  principalOf,
  problems,
  type ServiceDeps,
  z,
} from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { voteHelpful } from '../domain/reviews.ts';
import { idParam, signedIn } from './schemas.ts';

const vote = jsonResponse(
  z.object({ reviewId: z.string(), helpfulCount: z.int(), voted: z.boolean() }),
  'The vote',
);
const helpful = createRoute({
  method: 'post',
  path: '/api/v1/reviews/{id}/helpful',
  summary: '도움돼요: one vote per user',
  middleware: signedIn,
  request: { params: idParam },
  responses: { 200: vote, ...problems(401, 404, 409) },
});
const unhelpful = createRoute({
  method: 'delete',
  path: '/api/v1/reviews/{id}/helpful',
  summary: 'Take my 도움돼요 vote back',
  middleware: signedIn,
  request: { params: idParam },
  responses: { 200: vote, ...problems(401, 404, 409) },
});

/** 도움돼요 votes on a review. */
export function voteRoutes(app: App, { db }: ServiceDeps<Database>): void {
  app.openapi(helpful, async (c) =>
    c.json(await voteHelpful(db, principalOf(c), c.req.valid('param').id, true), 200),
  );
  app.openapi(unhelpful, async (c) =>
    c.json(await voteHelpful(db, principalOf(c), c.req.valid('param').id, false), 200),
  );
}
