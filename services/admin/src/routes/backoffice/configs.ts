import { type ConfigKey, configKeys, isConfigKey } from '@mp/contracts';
import {
  type App,
  createRoute,
  jsonBody,
  jsonResponse,
  notFound,
  principalOf,
  problems,
  requireRole,
  type ServiceDeps,
  z,
} from '@mp/platform';
import type { Database } from '../../db/schema.ts';
import { readConfig, viewOf, writeConfig } from '../../domain/configs.ts';

const configView = z
  .object({
    key: z.string(),
    owner: z.string().openapi({ description: 'the service that applies the setting' }),
    description: z.string(),
    value: z.unknown(),
    version: z.int(),
    isDefault: z.boolean(),
    updatedAt: z.string().nullable(),
    updatedBy: z.string().nullable(),
    applied: z.boolean(),
  })
  .openapi('SystemConfig');
const keyParam = z.object({
  key: z
    .string()
    .max(100)
    .openapi({ param: { name: 'key', in: 'path' }, example: 'settlement.commission' }),
});
const security = [{ bearer: [] }];

const list = createRoute({
  method: 'get',
  path: '/api/v1/admin/configs',
  summary: '시스템 설정: every setting with its value (or default) and the service that applies it',
  middleware: [requireRole('admin')] as const,
  security,
  responses: {
    200: jsonResponse(z.object({ items: z.array(configView) }), 'Settings'),
    ...problems(401, 403),
  },
});
const get = createRoute({
  method: 'get',
  path: '/api/v1/admin/configs/{key}',
  summary: 'One setting',
  middleware: [requireRole('admin')] as const,
  security,
  request: { params: keyParam },
  responses: { 200: jsonResponse(configView, 'The setting'), ...problems(401, 403, 404) },
});
const put = createRoute({
  method: 'put',
  path: '/api/v1/admin/configs/{key}',
  summary:
    'Changes a setting: the value is checked against its key’s schema and taken by the owning service before it is kept. `expectedVersion` refuses to overwrite a change made meanwhile.',
  middleware: [requireRole('admin')] as const,
  security,
  request: {
    params: keyParam,
    body: jsonBody(z.object({ value: z.unknown(), expectedVersion: z.int().min(0).optional() })),
  },
  responses: { 200: jsonResponse(configView, 'The setting now'), ...problems(400, 401, 403, 404, 409, 503) },
});

const knownKey = (key: string): ConfigKey => {
  if (!isConfigKey(key))
    throw notFound('CONFIG_NOT_FOUND', `No setting ${key}; known: ${configKeys.join(', ')}`);
  return key;
};

export function configRoutes(app: App, deps: ServiceDeps<Database>) {
  const { db } = deps;

  app.openapi(list, async (c) => {
    const rows = await db.selectFrom('system_configs').selectAll().execute();
    return c.json(
      {
        items: configKeys.map((k) =>
          viewOf(
            k,
            rows.find((r) => r.key === k),
          ),
        ),
      },
      200,
    );
  });

  app.openapi(get, async (c) => c.json(await readConfig(db, knownKey(c.req.valid('param').key)), 200));

  app.openapi(put, async (c) => {
    const key = knownKey(c.req.valid('param').key);
    const { value, expectedVersion } = c.req.valid('json');
    return c.json(await writeConfig(deps, key, value, principalOf(c).userId, expectedVersion), 200);
  });
}
