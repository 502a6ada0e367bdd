import {
  type App,
  createRoute,
  jsonBody,
  jsonResponse,
  pageOf,
  principalOf,
  problems,
  requireRole,
  z,
} from '@mp/platform';
import type { UserDeps } from '../config.ts';
import {
  addAddress,
  listAddresses,
  removeAddress,
  toAddressDto,
  updateAddress,
} from '../domain/addresses.ts';

const addressDto = z
  .object({
    id: z.string(),
    label: z.string().nullable(),
    recipient: z.string(),
    phone: z.string(),
    address: z.string(),
    addressDetail: z.string().nullable(),
    zipCode: z.string(),
    isDefault: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Address');

const fields = {
  label: z.string().trim().min(1).max(20).nullable().optional(),
  recipient: z.string().trim().min(1).max(50),
  phone: z.string().regex(/^0\d{1,2}-?\d{3,4}-?\d{4}$/, 'a Korean phone number like 010-1234-5678'),
  address: z.string().trim().min(1).max(300),
  addressDetail: z.string().trim().max(100).nullable().optional(),
  zipCode: z.string().regex(/^\d{5}$/, 'a 5-digit 우편번호'),
  isDefault: z.boolean().optional(),
};
const idParam = z.object({ id: z.string().max(64) });

const list = createRoute({
  method: 'get',
  path: '/api/v1/users/me/addresses',
  summary: 'My addresses (배송지), the default first',
  middleware: [requireRole()] as const,
  responses: { 200: jsonResponse(pageOf(addressDto), 'Addresses'), ...problems(401) },
});
const create = createRoute({
  method: 'post',
  path: '/api/v1/users/me/addresses',
  summary: 'Add an address; the first one, or one sent with isDefault, becomes the default',
  middleware: [requireRole()] as const,
  request: { body: jsonBody(z.object(fields).strict()) },
  responses: { 201: jsonResponse(addressDto, 'The new address'), ...problems(400, 401, 404, 422) },
});
const patch = createRoute({
  method: 'patch',
  path: '/api/v1/users/me/addresses/{id}',
  summary: 'Change an address; isDefault: true makes it the default',
  middleware: [requireRole()] as const,
  request: { params: idParam, body: jsonBody(z.object(fields).partial().strict()) },
  responses: { 200: jsonResponse(addressDto, 'The address'), ...problems(400, 401, 404, 422) },
});
const remove = createRoute({
  method: 'delete',
  path: '/api/v1/users/me/addresses/{id}',
  summary: 'Remove an address; if it was the default, the newest other one becomes the default',
  middleware: [requireRole()] as const,
  request: { params: idParam },
  responses: { 204: { description: 'Removed' }, ...problems(401, 404) },
});

export function addressRoutes(app: App, deps: UserDeps) {
  app.openapi(list, async (c) => {
    const rows = await listAddresses(deps.db, principalOf(c).userId);
    return c.json({ items: rows.map(toAddressDto), nextCursor: null }, 200);
  });
  app.openapi(create, async (c) => {
    const row = await addAddress(deps, principalOf(c).userId, c.req.valid('json'));
    return c.json(toAddressDto(row), 201);
  });
  app.openapi(patch, async (c) => {
    const row = await updateAddress(
      deps,
      principalOf(c).userId,
      c.req.valid('param').id,
      c.req.valid('json'),
    );
    return c.json(toAddressDto(row), 200);
  });
  app.openapi(remove, async (c) => {
    await removeAddress(deps, principalOf(c).userId, c.req.valid('param').id);
    return c.body(null, 204);
  });
}
