/**
 * 알림 템플릿 관리: operators reword what notification sends, per template and channel, without a
 * deploy. Notification owns the templates, their versions and the rules (decision 0023); these
 * routes forward to its internal routes through Dapr in the name of the signed-in admin, and pass
 * its 400s (naming the part and the unknown placeholder), 404s and 409s on as they are.
 */
import {
  type App,
  createRoute,
  jsonBody,
  jsonResponse,
  principalOf,
  problems,
  requireRole,
  type ServiceDeps,
  z,
} from '@mp/platform';
import type { Database } from '../db/schema.ts';

const channel = z.enum(['EMAIL', 'IN_APP', 'PUSH', 'SMS']);
const template = z.string().min(1).max(64).openapi({ example: 'payment-completed' });
const params = z.object({ template, channel });
const parts = z
  .object({
    subject: z.string().max(200).optional().openapi({ description: 'EMAIL: the subject line' }),
    html: z
      .string()
      .max(100_000)
      .optional()
      .openapi({ description: 'EMAIL: the HTML content (variables are escaped)' }),
    title: z.string().max(200).optional().openapi({ description: 'IN_APP, PUSH' }),
    body: z.string().max(4000).optional().openapi({ description: 'IN_APP, PUSH' }),
    text: z
      .string()
      .max(4000)
      .optional()
      .openapi({ description: 'SMS: the whole text (LMS beyond 90 bytes, at most 2,000)' }),
  })
  .openapi('NotificationTemplateParts');
const channelView = z.object({
  channel,
  parts: z.array(z.string()),
  required: z.array(z.string()).openapi({ description: '`part:variable` pairs a version must use' }),
  activeVersion: z.int().nullable().openapi({ description: "null: the code's wording is sent" }),
  latestVersion: z.int(),
  updatedBy: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
const view = z
  .object({
    template: z.string(),
    description: z.string(),
    variables: z.array(z.object({ name: z.string(), description: z.string(), sample: z.string() })),
    channels: z.array(channelView),
  })
  .openapi('NotificationTemplate');
const detail = view
  .extend({
    versions: z.array(
      z.object({
        channel,
        version: z.int(),
        content: parts,
        active: z.boolean(),
        createdBy: z.string(),
        createdAt: z.string(),
      }),
    ),
    changes: z.array(
      z.object({
        channel,
        action: z.enum(['PUBLISHED', 'ROLLED_BACK', 'DISABLED']),
        version: z.int().nullable(),
        changedBy: z.string(),
        changedAt: z.string(),
      }),
    ),
  })
  .openapi('NotificationTemplateDetail');
const adminOnly = [requireRole('admin')];
const security = [{ bearer: [] }];
const base = '/api/v1/admin/notification-templates';

const list = createRoute({
  method: 'get',
  path: base,
  summary: '알림 템플릿: every overridable template, its variables and the active version per channel',
  middleware: adminOnly,
  security,
  responses: {
    200: jsonResponse(z.object({ items: z.array(view) }), 'Templates'),
    ...problems(401, 403, 503),
  },
});
const get = createRoute({
  method: 'get',
  path: `${base}/{template}`,
  summary: 'One template with its saved versions and who changed what',
  middleware: adminOnly,
  security,
  request: { params: z.object({ template }) },
  responses: { 200: jsonResponse(detail, 'The template'), ...problems(401, 403, 404, 503) },
});
const put = createRoute({
  method: 'put',
  path: `${base}/{template}/{channel}`,
  summary:
    'Saves a new version of a channel’s wording and makes it active (EMAIL: subject+html, IN_APP/PUSH: title+body, SMS: text); only declared {{variables}}',
  middleware: adminOnly,
  security,
  request: { params, body: jsonBody(parts) },
  responses: { 200: jsonResponse(detail, 'The template'), ...problems(400, 401, 403, 404, 503) },
});
const preview = createRoute({
  method: 'post',
  path: `${base}/{template}/preview`,
  summary:
    'Renders a draft (`content`), a saved `version` or the active one with sample values; sends nothing',
  middleware: adminOnly,
  security,
  request: {
    params: z.object({ template }),
    body: jsonBody(
      z.object({
        channel,
        content: parts.optional(),
        version: z.int().min(1).optional(),
        data: z
          .record(z.string(), z.string().max(1000))
          .optional()
          .openapi({ description: 'values instead of the samples' }),
      }),
    ),
  },
  responses: {
    200: jsonResponse(
      z.object({
        template: z.string(),
        channel,
        version: z.int().nullable(),
        rendered: z.record(z.string(), z.unknown()),
      }),
      'The rendering',
    ),
    ...problems(400, 401, 403, 404, 503),
  },
});
const rollback = createRoute({
  method: 'post',
  path: `${base}/{template}/{channel}/rollback`,
  summary: 'Makes an earlier version active again',
  middleware: adminOnly,
  security,
  request: { params, body: jsonBody(z.object({ version: z.int().min(1) })) },
  responses: { 200: jsonResponse(detail, 'The template'), ...problems(400, 401, 403, 404, 409, 503) },
});
const disable = createRoute({
  method: 'post',
  path: `${base}/{template}/{channel}/disable`,
  summary: 'Goes back to the code’s wording on a channel (the versions are kept)',
  middleware: adminOnly,
  security,
  request: { params },
  responses: { 200: jsonResponse(detail, 'The template'), ...problems(400, 401, 403, 404, 503) },
});

type Detail = z.infer<typeof detail>;

export function notificationTemplateRoutes(app: App, { dapr }: ServiceDeps<Database>): void {
  const at = <R extends string = ''>(t: string, rest?: R) =>
    `/internal/templates/${encodeURIComponent(t)}${rest ?? ''}` as `/internal/templates/${string}${R}`;

  app.openapi(list, async (c) =>
    c.json(await dapr.invoke<{ items: z.infer<typeof view>[] }>('notification', '/internal/templates'), 200),
  );
  app.openapi(get, async (c) =>
    c.json(await dapr.invoke<Detail>('notification', at(c.req.valid('param').template)), 200),
  );
  app.openapi(put, async (c) => {
    const p = c.req.valid('param');
    const body = { ...c.req.valid('json'), adminId: principalOf(c).userId };
    return c.json(
      await dapr.invoke<Detail>('notification', at(p.template, `/${p.channel}`), { method: 'PUT', body }),
      200,
    );
  });
  app.openapi(preview, async (c) =>
    c.json(
      await dapr.invoke<never>('notification', at(c.req.valid('param').template, '/preview'), {
        method: 'POST',
        body: c.req.valid('json'),
      }),
      200,
    ),
  );
  app.openapi(rollback, async (c) => {
    const p = c.req.valid('param');
    const body = { version: c.req.valid('json').version, adminId: principalOf(c).userId };
    return c.json(
      await dapr.invoke<Detail>('notification', at(p.template, `/${p.channel}/rollback`), {
        method: 'POST',
        body,
      }),
      200,
    );
  });
  app.openapi(disable, async (c) => {
    const p = c.req.valid('param');
    const body = { adminId: principalOf(c).userId };
    return c.json(
      await dapr.invoke<Detail>('notification', at(p.template, `/${p.channel}/disable`), {
        method: 'POST',
        body,
      }),
      200,
    );
  });
}
