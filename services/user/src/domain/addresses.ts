import {
  isId,
  type Kysely,
  newId,
  notFound,
  publishOptions,
  type Selectable,
  type ServiceDeps,
  type Transaction,
  unprocessable,
} from '@mp/platform';
import type { AddressesTable, Database } from '../db/schema.ts';
import { liveUser } from './users.ts';

type Deps = Pick<ServiceDeps<Database>, 'db' | 'events'>;
type Trx = Transaction<Database>;

/** How many 배송지 one account may keep. */
export const MAX_ADDRESSES = 20;

export interface AddressInput {
  label?: string | null | undefined;
  recipient: string;
  phone: string;
  address: string;
  addressDetail?: string | null | undefined;
  zipCode: string;
  isDefault?: boolean | undefined;
}

export const toAddressDto = (a: Selectable<AddressesTable>) => ({
  id: a.id,
  label: a.label,
  recipient: a.recipient,
  phone: a.phone,
  address: a.address,
  addressDetail: a.address_detail,
  zipCode: a.zip_code,
  isDefault: a.is_default,
  createdAt: a.created_at.toISOString(),
  updatedAt: a.updated_at.toISOString(),
});

/** One of the user's own addresses; another user's (or a made-up id) is a 404 alike. */
async function ownAddress(trx: Trx | Kysely<Database>, userId: string, id: string) {
  const row = isId(id)
    ? await trx
        .selectFrom('addresses')
        .selectAll()
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst()
    : undefined;
  if (!row) throw notFound('ADDRESS_NOT_FOUND', 'No such address');
  return row;
}

export const listAddresses = (db: Kysely<Database>, userId: string) =>
  db
    .selectFrom('addresses')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('is_default', 'desc')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();

const clearDefault = (trx: Trx, userId: string) =>
  trx
    .updateTable('addresses')
    .set({ is_default: false, updated_at: new Date() })
    .where('user_id', '=', userId)
    .where('is_default', '=', true)
    .execute();

/**
 * Adds an address. The first one is the default whatever was asked; asking for the default moves
 * it. Address changes of one user are serialized on the user's row.
 */
export async function addAddress(deps: Deps, userId: string, input: AddressInput) {
  return deps.db.transaction().execute(async (trx) => {
    await liveUser(trx, userId, true);
    const { count } = await trx
      .selectFrom('addresses')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    if (count >= MAX_ADDRESSES)
      throw unprocessable('ADDRESS_LIMIT', `An account keeps at most ${MAX_ADDRESSES} addresses`);
    const isDefault = count === 0 || input.isDefault === true;
    if (isDefault) await clearDefault(trx, userId);
    const row = await trx
      .insertInto('addresses')
      .values({
        id: newId(),
        user_id: userId,
        label: input.label ?? null,
        recipient: input.recipient,
        phone: input.phone,
        address: input.address,
        address_detail: input.addressDetail ?? null,
        zip_code: input.zipCode,
        is_default: isDefault,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await deps.events.publish(
      trx,
      'user.address.created',
      { userId, addressId: row.id, isDefault, createdAt: row.created_at.toISOString() },
      publishOptions('user', userId, { userId }),
    );
    return row;
  });
}

/** Changes an address; `isDefault: true` makes it the default, `false` on the default is refused. */
export async function updateAddress(deps: Deps, userId: string, id: string, patch: Partial<AddressInput>) {
  return deps.db.transaction().execute(async (trx) => {
    await liveUser(trx, userId, true);
    const current = await ownAddress(trx, userId, id);
    if (patch.isDefault === false && current.is_default)
      throw unprocessable(
        'DEFAULT_ADDRESS_REQUIRED',
        'One address must stay the default; make another one the default instead',
        { errors: [{ path: 'isDefault', message: 'the default cannot be unset', in: 'body' }] },
      );
    if (patch.isDefault === true && !current.is_default) await clearDefault(trx, userId);
    return trx
      .updateTable('addresses')
      .set({
        ...(patch.label !== undefined ? { label: patch.label } : {}),
        ...(patch.recipient !== undefined ? { recipient: patch.recipient } : {}),
        ...(patch.phone !== undefined ? { phone: patch.phone } : {}),
        ...(patch.address !== undefined ? { address: patch.address } : {}),
        ...(patch.addressDetail !== undefined ? { address_detail: patch.addressDetail } : {}),
        ...(patch.zipCode !== undefined ? { zip_code: patch.zipCode } : {}),
        ...(patch.isDefault === true ? { is_default: true } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/** Removes an address; when it was the default, the most recently added other one takes over. */
export async function removeAddress(deps: Deps, userId: string, id: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await liveUser(trx, userId, true);
    const current = await ownAddress(trx, userId, id);
    await trx.deleteFrom('addresses').where('id', '=', current.id).execute();
    if (!current.is_default) return;
    const next = await trx
      .selectFrom('addresses')
      .select('id')
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (next)
      await trx
        .updateTable('addresses')
        .set({ is_default: true, updated_at: new Date() })
        .where('id', '=', next.id)
        .execute();
  });
}
