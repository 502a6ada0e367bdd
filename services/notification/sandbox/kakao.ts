import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type App, jsonb, type Kysely, sql } from '@mp/platform';
import { KAKAO_SANDBOX_BASE } from '../src/config.ts';
import type { AlimtalkRequest } from '../src/kakao/bizmessage.ts';
import { alimtalkTemplates, matchesTemplate } from '../src/kakao/templates.ts';

/** What the sandbox trusts: the client and the channel (sender key) the service is configured with. */
export interface KakaoSandboxAccount {
  clientId: string;
  clientSecret: string;
  senderKey: string;
}

interface Received {
  uid: string;
  cid: string;
  phone_number: string;
  template_code: string;
  message: string;
  request: unknown;
  code: string;
  received_at: Date;
}

const ready = new WeakMap<object, Promise<void>>();
function received(db: Kysely<unknown>): Promise<Kysely<{ kakao_sandbox_messages: Received }>> {
  let p = ready.get(db);
  if (!p) {
    p = sql`create table if not exists kakao_sandbox_messages (
      uid text primary key, cid text not null, phone_number text not null, template_code text not null,
      message text not null, request jsonb not null, code text not null, received_at timestamptz not null default now());
      create index if not exists kakao_sandbox_messages_phone on kakao_sandbox_messages (phone_number, received_at)`
      .execute(db)
      .then(() => undefined);
    ready.set(db, p);
    p.catch(() => ready.delete(db));
  }
  return p.then(() => db as Kysely<{ kakao_sandbox_messages: Received }>);
}

/**
 * What a recipient number makes the sandbox answer (deterministic failure triggers,
 * docs/notification.md), by the four digits after 010 (no real number starts with 0 there):
 * `00xx` K101 (no KakaoTalk), `0901` 503 every time, `0902` 503 on its first message only, `0903`
 * K102 (bad number).
 */
function trigger(
  phone: string,
  earlier: number,
): { status: number; code: string; message: string } | undefined {
  const block = /^8210(\d{4})\d{4}$/.exec(phone)?.[1];
  if (block?.startsWith('00'))
    return { status: 400, code: 'K101', message: '메시지를 전송할 수 없음 (카카오톡 미사용자)' };
  if (block === '0901') return { status: 503, code: 'API_503', message: 'service unavailable' };
  if (block === '0902' && earlier === 0)
    return { status: 503, code: 'API_503', message: 'service unavailable' };
  if (block === '0903') return { status: 400, code: 'K102', message: '전화번호 오류' };
  return undefined;
}

const same = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * A Kakao i 비즈메시지 stand-in (local profiles and tests only), mounted by notification under
 * /sandbox/kakao: the client-credentials token grant, `POST /v2/send/kakao` for 알림톡 checked against
 * the approved templates (K104 unknown code, K105 a message or button that does not match), and
 * `GET /messages?phone=…` for what it received.
 */
export function kakaoSandbox(app: App, anyDb: Kysely<unknown>, account: KakaoSandboxAccount): void {
  const tokens = new Map<string, number>();

  app.post(`${KAKAO_SANDBOX_BASE}/v2/oauth/token`, async (c) => {
    const basic = /^Basic (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    const [id, secret] = basic ? Buffer.from(basic, 'base64').toString().split(':') : [];
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    if (form.grant_type !== 'client_credentials')
      return c.json({ code: 'API_400', message: 'grant_type must be client_credentials' }, 400);
    if (!id || !secret || !same(id, account.clientId) || !same(secret, account.clientSecret))
      return c.json({ code: 'API_401', message: 'invalid client' }, 401);
    const token = `kakao-sandbox-${randomBytes(24).toString('base64url')}`;
    tokens.set(token, Date.now() + 3600_000);
    return c.json({ access_token: token, token_type: 'bearer', expires_in: 3600, scope: 'bizmessage' });
  });

  app.post(`${KAKAO_SANDBOX_BASE}/v2/send/kakao`, async (c) => {
    const bearer = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    const until = bearer ? tokens.get(bearer) : undefined;
    if (!until || until < Date.now())
      return c.json({ code: 'API_401', message: 'invalid access token' }, 401);
    const m = (await c.req.json().catch(() => ({}))) as Partial<AlimtalkRequest>;
    const bad = (code: string, message: string) => c.json({ code, message }, 400);
    if (m.message_type !== 'AT') return bad('API_400', 'message_type must be AT (알림톡)');
    if (m.sender_key !== account.senderKey)
      return c.json({ code: 'API_403', message: 'unknown sender_key' }, 403);
    for (const f of ['cid', 'template_code', 'phone_number', 'sender_no', 'message'] as const)
      if (typeof m[f] !== 'string' || !m[f]) return bad('API_400', `${f} is required`);
    const db = await received(anyDb);
    const earlier = await db
      .selectFrom('kakao_sandbox_messages')
      .selectAll()
      .where('phone_number', '=', m.phone_number!)
      .orderBy('received_at', 'desc')
      .execute();
    const sent = earlier.find((r) => r.cid === m.cid && r.code === 'API_200');
    if (sent)
      return c.json({
        code: 'API_200',
        uid: sent.uid,
        cid: sent.cid,
        received_at: sent.received_at.toISOString(),
      });
    const t = Object.values(alimtalkTemplates).find((x) => x.code === m.template_code);
    const buttons = m.button ?? [];
    const refused: { status: number; code: string; message: string } | undefined = !t
      ? { status: 400, code: 'K104', message: '템플릿을 찾을 수 없음' }
      : !matchesTemplate(t, m.message!) ||
          buttons.length !== (t.button ? 1 : 0) ||
          buttons.some((b) => b.name !== t.button || b.type !== 'WL' || !b.url_mobile)
        ? { status: 400, code: 'K105', message: '메시지가 템플릿과 일치하지 않음' }
        : trigger(m.phone_number!, earlier.length);
    const uid = `${Date.now()}${randomBytes(6).toString('hex')}`;
    const at = new Date();
    await db
      .insertInto('kakao_sandbox_messages')
      .values({
        uid,
        cid: m.cid!,
        phone_number: m.phone_number!,
        template_code: m.template_code!,
        message: m.message!,
        request: jsonb(m),
        code: refused?.code ?? 'API_200',
        received_at: at,
      })
      .execute();
    if (refused)
      return c.json({ code: refused.code, message: refused.message, cid: m.cid }, refused.status as 400);
    return c.json({ code: 'API_200', uid, cid: m.cid, received_at: at.toISOString() });
  });

  app.get(`${KAKAO_SANDBOX_BASE}/messages`, async (c) => {
    const phone = c.req.query('phone');
    const db = await received(anyDb);
    let q = db.selectFrom('kakao_sandbox_messages').selectAll().orderBy('received_at', 'desc').limit(100);
    if (phone) q = q.where('phone_number', '=', phone.replace(/^\+/, ''));
    const rows = await q.execute();
    return c.json({
      items: rows.map((r) => ({
        uid: r.uid,
        cid: r.cid,
        phoneNumber: r.phone_number,
        templateCode: r.template_code,
        message: r.message,
        request: r.request,
        code: r.code,
        receivedAt: r.received_at.toISOString(),
      })),
    });
  });
}
