import type { EventOf, EventType } from '@mp/contracts';
import type { Category } from './settings.ts';

/** A message to one person, before it is rendered for a channel. */
export interface Message {
  template: string;
  category: Category;
  /** Who: an account (its email is looked up) and/or an address the event already names. */
  userId: string | undefined;
  email?: string | undefined;
  title: string;
  lines: string[];
  action?: { label: string; url: string };
  /** The action carries a secret (a reset token): it goes by email only, never into the history. */
  secret?: boolean;
  /** The values an operator's override may use (template-catalog.ts declares them per template). */
  vars?: Record<string, string>;
}

/**
 * A link's token (password reset, email verification): not in the event (it never leaves auth
 * through the broker); the handler fetched it from auth and set it on its in-memory copy of the
 * event (events/handlers.ts).
 */
export const LINK_TOKEN = Symbol('linkToken');
/** A published notice (공지사항) as pushed to its audience. */
export const noticeMessage = (e: EventOf<'admin.notice.published'>, base: string): Message => ({
  template: 'notice-published',
  vars: { title: e.data.title, link: `${base}/notices/${e.data.noticeId}` },
  category: 'account',
  userId: undefined,
  title: `[공지] ${e.data.title}`,
  lines: [e.data.body ? e.data.body.slice(0, 120) : '공지사항을 확인해 주세요.'],
  action: { label: '공지 보기', url: `${base}/notices/${e.data.noticeId}` },
});

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The frame every email has around its content (an operator's override fills the content). */
export const emailLayout = (
  content: string,
) => `<!doctype html><html lang="ko"><body style="font-family:sans-serif">
${content}
<hr><p style="color:#999;font-size:12px">마켓플레이스 · 이 메일은 발신 전용입니다.</p>
</body></html>`;

/** The email body (HTML; the binding sends text/html). */
export function renderEmail(m: Message): string {
  const paragraphs = m.lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('\n');
  const action = m.action
    ? `<p><a href="${escapeHtml(m.action.url)}" style="display:inline-block;padding:12px 20px;background:#111;color:#fff;text-decoration:none">${escapeHtml(m.action.label)}</a></p>\n<p style="color:#666;font-size:12px">${escapeHtml(m.action.url)}</p>`
    : '';
  return emailLayout(`<h2>${escapeHtml(m.title)}</h2>\n${paragraphs}\n${action}`);
}

export type Compose<T extends EventType> = (e: EventOf<T>, base: string) => Message | Message[] | undefined;
/** What each event says: a composer per event type (account-templates.ts, order-templates.ts). */
export type Templates = { [T in EventType]?: Compose<T> };

// Built once: a formatter costs far more to make than to use (the profile found one made per message).
const wonFormat = new Intl.NumberFormat('ko-KR');
const kstFormat = new Intl.DateTimeFormat('ko-KR', {
  dateStyle: 'long',
  timeStyle: 'short',
  timeZone: 'Asia/Seoul',
});
/** 45,000원 */
export const won = (n: number) => `${wonFormat.format(n)}원`;
/** A moment as a Korean reader reads it, in KST. */
export const kst = (iso: string) => kstFormat.format(new Date(iso));
