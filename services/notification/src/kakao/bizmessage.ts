import type { KakaoButton } from '../db/schema.ts';

type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/**
 * What became of a 알림톡, as the dispatcher acts on it: `fallback` (Kakao will not deliver this
 * one — the number has no KakaoTalk, the template or number is refused: send it by SMS instead),
 * `retry` (Kakao is busy or down: again later, then SMS when the attempts run out).
 */
export class KakaoError extends Error {
  readonly kind: 'fallback' | 'retry';
  readonly code: string;
  constructor(kind: KakaoError['kind'], code: string, message: string) {
    super(message);
    this.name = 'KakaoError';
    this.kind = kind;
    this.code = code;
  }
}

/** The body of `POST /v2/send/kakao` for a 알림톡 (`message_type: 'AT'`). */
export interface AlimtalkRequest {
  message_type: 'AT';
  sender_key: string;
  /** Our id for the message (Kakao echoes it, and refuses a second send with the same one). */
  cid: string;
  template_code: string;
  /** The recipient, 82 and the number without its leading 0 (`821012345678`). */
  phone_number: string;
  /** 발신번호 registered with the channel. */
  sender_no: string;
  /** The approved template's text with its `#{…}` values filled in. */
  message: string;
  /** Kakao's own failover to SMS/LMS; off: notification falls back through its own SMS channel. */
  fall_back_yn: boolean;
  fall_back_message_type?: 'SM' | 'LM';
  fall_back_message?: string;
  button?: KakaoButton[];
}

export interface AlimtalkAnswer {
  code: string;
  uid: string;
  cid: string;
  received_at: string;
  message?: string;
}

export interface KakaoOptions {
  /** https://bizmsg-web.kakaoenterprise.com, or the sandbox (…/sandbox/kakao) locally. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  senderKey: string;
  senderNo: string;
  timeoutMs: number;
  fetch?: Fetch;
  now?: () => number;
}

/**
 * Kakao's per-message refusals (K1xx) that no retry will change: K101 the number cannot get a
 * 알림톡 (no KakaoTalk, or it blocked the channel), K102 a bad number, K103 too long, K104 no such
 * template, K105 the message does not match its approved template. Each falls back to SMS.
 */
export const kakaoRefusals: Record<string, string> = {
  K101: '메시지를 전송할 수 없음 (카카오톡 미사용자)',
  K102: '전화번호 오류',
  K103: '메시지 길이 제한 오류',
  K104: '템플릿을 찾을 수 없음',
  K105: '메시지가 템플릿과 일치하지 않음',
};

/** `821012345678` from `+821012345678`. */
export const kakaoPhone = (e164: string) => e164.replace(/^\+/, '');

/**
 * A Kakao i 비즈메시지 client for 알림톡: an access token by the OAuth2 client-credentials grant
 * (`POST /v2/oauth/token`, HTTP Basic with the client id and secret), cached until a minute before
 * it expires, and `POST /v2/send/kakao` with it. A 401 drops the token and tries once more.
 */
export function kakaoClient(o: KakaoOptions) {
  const f: Fetch = o.fetch ?? ((url, init) => fetch(url, init));
  const now = o.now ?? Date.now;
  const base = o.baseUrl.replace(/\/$/, '');
  let cached: { token: string; until: number } | undefined;
  let pending: Promise<string> | undefined;

  const call = async (url: string, init: RequestInit) => {
    try {
      return await f(url, { ...init, signal: AbortSignal.timeout(o.timeoutMs) });
    } catch (err) {
      throw new KakaoError('retry', 'NO_ANSWER', `no answer from Kakao: ${(err as Error).message}`);
    }
  };

  async function fetchToken(): Promise<string> {
    const res = await call(`${base}/v2/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${o.clientId}:${o.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
    });
    const body = (await res.json().catch(() => ({}))) as {
      access_token?: string;
      expires_in?: number;
      code?: string;
    };
    if (!res.ok || !body.access_token)
      throw new KakaoError(
        res.status >= 500 ? 'retry' : 'fallback',
        body.code ?? `HTTP_${res.status}`,
        `Kakao token grant ${res.status} ${body.code ?? ''}`.trim(),
      );
    cached = { token: body.access_token, until: now() + Math.max(0, (body.expires_in ?? 3600) - 60) * 1000 };
    return body.access_token;
  }

  const token = async () => {
    if (cached && cached.until > now()) return cached.token;
    pending ??= fetchToken().finally(() => {
      pending = undefined;
    });
    return pending;
  };

  return {
    /** Sends one 알림톡; answers Kakao's `uid`, throws KakaoError otherwise. */
    async send(m: Omit<AlimtalkRequest, 'message_type' | 'sender_key' | 'sender_no' | 'fall_back_yn'>) {
      const body: AlimtalkRequest = {
        message_type: 'AT',
        sender_key: o.senderKey,
        sender_no: o.senderNo,
        fall_back_yn: false,
        ...m,
      };
      for (let attempt = 0; ; attempt++) {
        const res = await call(`${base}/v2/send/kakao`, {
          method: 'POST',
          headers: { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const answer = (await res.json().catch(() => ({}))) as Partial<AlimtalkAnswer>;
        if (res.status === 401 && attempt === 0) {
          cached = undefined;
          continue;
        }
        if (res.ok && answer.code === 'API_200') return answer.uid ?? '';
        const code = answer.code ?? `HTTP_${res.status}`;
        const message = `Kakao ${res.status} ${code}: ${answer.message ?? kakaoRefusals[code] ?? 'no message'}`;
        if (res.status === 429 || res.status >= 500) throw new KakaoError('retry', code, message);
        throw new KakaoError('fallback', code, message);
      }
    },
  };
}
export type KakaoClient = ReturnType<typeof kakaoClient>;
