/** 공지사항: drafted, edited while a draft, published once (→ admin.notice.published). */
import { conflict, type EventPublisher, type Kysely, notFound, publishOptions } from '@mp/platform';
import type { Database } from '../db/schema.ts';

export async function publishNotice(
  { db, events }: { db: Kysely<Database>; events: EventPublisher },
  id: string,
  adminId: string,
) {
  return db.transaction().execute(async (trx) => {
    const now = new Date();
    const notice = await trx
      .updateTable('notices')
      .set({ status: 'PUBLISHED', published_by: adminId, published_at: now, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'DRAFT')
      .returningAll()
      .executeTakeFirst();
    if (!notice) {
      const exists = await trx.selectFrom('notices').select('status').where('id', '=', id).executeTakeFirst();
      if (!exists) throw notFound('NOTICE_NOT_FOUND', 'No such notice');
      throw conflict('NOTICE_ALREADY_PUBLISHED', 'This notice has been published already');
    }
    await events.publish(
      trx,
      'admin.notice.published',
      {
        noticeId: id,
        title: notice.title,
        adminId,
        publishedAt: now.toISOString(),
        audience: notice.audience,
        body: notice.body,
      },
      publishOptions('notice', id),
    );
    return notice;
  });
}
