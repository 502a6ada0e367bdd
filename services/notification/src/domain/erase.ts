import type { Dapr, Transaction } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { HISTORY_STORE, historyKey } from './history.ts';
import { SETTINGS_STORE, settingsKey } from './settings.ts';

/**
 * A deleted account (`user.deleted`) leaves nothing here: its devices stop receiving pushes, its
 * unsent push and SMS messages are dropped, and its history and settings are erased. Safe to run
 * twice; the state deletes come last, so a failure rolls the rows back and the event is retried.
 */
export async function eraseUser(dapr: Dapr, trx: Transaction<Database>, userId: string): Promise<void> {
  await trx.deleteFrom('devices').where('user_id', '=', userId).execute();
  await trx.deleteFrom('deliveries').where('user_id', '=', userId).execute();
  await dapr.deleteState(HISTORY_STORE, historyKey(userId));
  await dapr.deleteState(SETTINGS_STORE, settingsKey(userId));
}
