/**
 * 알림 템플릿 관리: operators reword what notification sends, per template and channel, without a
 * deploy. Notification owns the templates, their versions and the rules (decision 0023); these
 * routes forward to its internal routes through Dapr in the name of the signed-in admin, and pass
 * its 400s (naming the part and the unknown placeholder), 404s and 409s on as they are.
 */
import {
  templateChannel,
  templateDetail,
  templateName,
  templateParts,
  templatePreview,
  templateRendering,
  templateView,
} from '@mp/contracts';
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

const channel = templateChannel;
const template = templateName.meta({ example: 'payment-completed' });
const params = z.object({ template, channel });
// notification's answers, as the contracts give them (packages/contracts/src/internal/templates.ts).
const parts = templateParts.meta({ id: 'NotificationTemplateParts' });
const view = templateView.meta({ id: 'NotificationTemplate' });
const detail = templateDetail.meta({ id: 'NotificationTemplateDetail' });
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
  request: { params: z.object({ template }), body: jsonBody(templatePreview) },
  responses: {
    200: jsonResponse(templateRendering, 'The rendering'),
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

export function notificationTemplateRoutes(app: App, { dapr }: ServiceDeps<Database>): void {
  app.openapi(list, async (c) => c.json(await dapr.call('notification.templates.list'), 200));
  app.openapi(get, async (c) =>
    c.json(await dapr.call('notification.templates.get', { params: c.req.valid('param') }), 200),
  );
  app.openapi(put, async (c) => {
    const body = { ...c.req.valid('json'), adminId: principalOf(c).userId };
    return c.json(await dapr.call('notification.templates.put', { params: c.req.valid('param'), body }), 200);
  });
  app.openapi(preview, async (c) =>
    c.json(
      await dapr.call('notification.templates.preview', {
        params: c.req.valid('param'),
        body: c.req.valid('json'),
      }),
      200,
    ),
  );
  app.openapi(rollback, async (c) => {
    const body = { version: c.req.valid('json').version, adminId: principalOf(c).userId };
    return c.json(
      await dapr.call('notification.templates.rollback', { params: c.req.valid('param'), body }),
      200,
    );
  });
  app.openapi(disable, async (c) => {
    const body = { adminId: principalOf(c).userId };
    return c.json(
      await dapr.call('notification.templates.disable', { params: c.req.valid('param'), body }),
      200,
    );
  });
}
