import type { EventOf } from '@mp/contracts';
import { sql, type Transaction } from '@mp/platform';
import type { NotificationDeps } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { wakeDispatcher } from './channels.ts';
import { noticeMessage } from './message.ts';
import { overridesFor, render } from './rendering.ts';

/** The device role a notice's audience names (ALL: every device). */
const roleOf = { ALL: null, BUYERS: 'buyer', SELLERS: 'seller' } as const;

/**
 * Pushes a published notice (공지사항) to its audience: one push per user who has a device
 * registered under the role the notice names (every user with a device for ALL), written in the
 * handler's transaction in one statement and sent by the dispatcher like any push. Once per
 * (event, user): a redelivered event adds nothing. Notices are service information, not
 * advertising: they are pushed whatever the marketing settings say; no email or history entry.
 */
export async function broadcastNotice(
  deps: NotificationDeps,
  trx: Transaction<Database>,
  event: EventOf<'admin.notice.published'>,
): Promise<number> {
  if (!deps.config.FCM_SERVICE_ACCOUNT_JSON && !deps.config.FCM_SANDBOX) return 0;
  const base = deps.config.PUBLIC_BASE_URL.replace(/\/$/, '');
  const m = noticeMessage(event, base);
  const rendered = render(m, await overridesFor(trx, m));
  const content = JSON.stringify({ category: m.category, ...rendered.push, link: m.action?.url ?? null });
  const role = roleOf[event.data.audience ?? 'ALL'];
  const { rows } = await sql<{ n: number }>`
    with audience as (
      select distinct user_id from devices where ${role}::text is null or role = ${role}::text
    ), added as (
      insert into deliveries (id, event_id, template, channel, user_id, correlation_id, content)
      select gen_random_uuid()::text, ${event.eventId}, ${m.template}, 'PUSH', user_id, ${event.correlationId}, ${content}::jsonb
        from audience
      on conflict (event_id, template, channel, user_id) do nothing
      returning 1
    )
    select count(*)::int as n from added`.execute(trx);
  const n = rows[0]?.n ?? 0;
  if (n) await wakeDispatcher(trx);
  deps.log.info(
    { noticeId: event.data.noticeId, audience: event.data.audience ?? 'ALL', pushes: n },
    'notice pushed',
  );
  return n;
}
