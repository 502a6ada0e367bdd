/** Routes admin's back office reaches through Dapr (the kit checks the app token on /internal/*). */
import { type App, configRoutes, createRoute, jsonBody, jsonResponse, problems, z } from '@mp/platform';
import type { NotificationDeps } from '../config.ts';
import { preview } from '../domain/rendering.ts';
import { templateChannels } from '../domain/template-catalog.ts';
import {
  disable,
  publishVersion,
  rollBack,
  templateDetail,
  templateViews,
} from '../domain/template-overrides.ts';

const name = z.string().min(1).max(64);
const channel = z.enum(templateChannels);
const parts = z.object({
  subject: z.string().max(200).optional(),
  html: z.string().max(100_000).optional(),
  title: z.string().max(200).optional(),
  body: z.string().max(4000).optional(),
  text: z.string().max(4000).optional(),
});
const adminId = z.string().min(1).max(64);
const params = z.object({ template: name, channel });
const any = z.record(z.string(), z.unknown());

const list = createRoute({
  method: 'get',
  path: '/internal/templates',
  summary: 'The overridable templates, their variables and each channel’s active version',
  responses: { 200: jsonResponse(z.object({ items: z.array(any) }), 'Templates') },
});
const get = createRoute({
  method: 'get',
  path: '/internal/templates/{template}',
  summary: 'One template with its versions and changes',
  request: { params: z.object({ template: name }) },
  responses: { 200: jsonResponse(any, 'The template'), ...problems(404) },
});
const put = createRoute({
  method: 'put',
  path: '/internal/templates/{template}/{channel}',
  summary: 'Saves a new version of a channel’s wording and makes it active',
  request: { params, body: jsonBody(parts.extend({ adminId })) },
  responses: { 200: jsonResponse(any, 'The template'), ...problems(400, 404) },
});
const rollback = createRoute({
  method: 'post',
  path: '/internal/templates/{template}/{channel}/rollback',
  summary: 'Makes an earlier version active again',
  request: { params, body: jsonBody(z.object({ adminId, version: z.int().min(1) })) },
  responses: { 200: jsonResponse(any, 'The template'), ...problems(400, 404, 409) },
});
const off = createRoute({
  method: 'post',
  path: '/internal/templates/{template}/{channel}/disable',
  summary: 'Back to the code’s wording on a channel',
  request: { params, body: jsonBody(z.object({ adminId })) },
  responses: { 200: jsonResponse(any, 'The template'), ...problems(400, 404) },
});
const show = createRoute({
  method: 'post',
  path: '/internal/templates/{template}/preview',
  summary: 'Renders a draft, a version or the active override with sample values; sends nothing',
  request: {
    params: z.object({ template: name }),
    body: jsonBody(
      z.object({
        channel,
        content: parts.optional(),
        version: z.int().min(1).optional(),
        data: z.record(z.string(), z.string().max(1000)).optional(),
      }),
    ),
  },
  responses: { 200: jsonResponse(any, 'The rendering'), ...problems(400, 404) },
});

export function internalRoutes(app: App, { db }: NotificationDeps): void {
  configRoutes(app, db, 'notification');
  app.openapi(list, async (c) => c.json({ items: await templateViews(db) }, 200));
  app.openapi(get, async (c) => c.json(await templateDetail(db, c.req.valid('param').template), 200));
  app.openapi(put, async (c) => {
    const { template, channel: ch } = c.req.valid('param');
    const { adminId: by, ...content } = c.req.valid('json');
    await publishVersion(db, template, ch, content, by);
    return c.json(await templateDetail(db, template), 200);
  });
  app.openapi(rollback, async (c) => {
    const { template, channel: ch } = c.req.valid('param');
    const body = c.req.valid('json');
    await rollBack(db, template, ch, body.version, body.adminId);
    return c.json(await templateDetail(db, template), 200);
  });
  app.openapi(off, async (c) => {
    const { template, channel: ch } = c.req.valid('param');
    await disable(db, template, ch, c.req.valid('json').adminId);
    return c.json(await templateDetail(db, template), 200);
  });
  app.openapi(show, async (c) =>
    c.json(await preview(db, c.req.valid('param').template, c.req.valid('json')), 200),
  );
}
