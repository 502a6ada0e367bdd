/** Helpers for the identity end-to-end tests: accounts, the SMTP sink's mailbox, the OIDC sandbox. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { api, base, eventually, login, uniqueEmail } from './lib.ts';

/** Where the SMTP sink keeps what it receives (a Maildir). */
export const mailDir = () => {
  const dir = process.env.MP_MAIL_DIR; // set by scripts/lib/infra.sh: where the stack's SMTP sink keeps mail
  if (!dir) throw new Error('MP_MAIL_DIR is not set: run the e2e tests through scripts/test.sh e2e');
  return dir;
};

export const PASSWORD = 'correct horse battery';

/** A new account through the public API, signed in. */
export async function account(role: 'buyer' | 'seller' = 'buyer', tag: string = role) {
  const email = uniqueEmail(tag);
  const res = await api('POST', '/api/v1/users', {
    body: { email, password: PASSWORD, name: '김철수', role },
  });
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id as string, email, token: await login(email, PASSWORD) };
}

// ---- mail --------------------------------------------------------------------------------------

export interface Mail {
  to: string;
  subject: string;
  body: string;
  file: string;
}

const decodeQ = (s: string) =>
  Buffer.from(
    s.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(Number.parseInt(h, 16))),
    'latin1',
  ).toString('utf8');

/** RFC 2047 encoded words (`=?UTF-8?q?…?=`, `=?UTF-8?b?…?=`) in a header. */
const decodeHeader = (v: string) =>
  v.replace(/=\?([^?]+)\?([qQbB])\?([^?]*)\?=\s*/g, (_, _cs, enc, text) =>
    enc.toLowerCase() === 'b' ? Buffer.from(text, 'base64').toString('utf8') : decodeQ(text),
  );

/** A quoted-printable body (soft line breaks removed, =XX bytes decoded as UTF-8). */
const decodeQuotedPrintable = (s: string) =>
  Buffer.from(
    s
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(Number.parseInt(h, 16))),
    'latin1',
  ).toString('utf8');

export function readMail(file: string): Mail {
  const raw = readFileSync(file, 'utf8');
  const split = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
  let body = raw.slice(split).trim();
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  if (encoding === 'quoted-printable') body = decodeQuotedPrintable(body);
  if (encoding === 'base64') body = Buffer.from(body.replace(/\s/g, ''), 'base64').toString('utf8');
  return { to: header('To'), subject: decodeHeader(header('Subject')), body, file };
}

/** Mail older than this run is not read again (the sink keeps every message of every run). */
const since = Date.now() - 60_000;

/** Mail the sink received for `to` during this run, oldest first. */
export function mailTo(to: string): Mail[] {
  const dir = join(mailDir(), 'new');
  let files: { file: string; at: number }[] = [];
  try {
    files = readdirSync(dir).map((f) => ({ file: join(dir, f), at: statSync(join(dir, f)).mtimeMs }));
  } catch {
    return [];
  }
  return files
    .filter((f) => f.at >= since)
    .sort((a, b) => a.at - b.at)
    .map((f) => readMail(f.file))
    .filter((m) => m.to.toLowerCase().includes(to.toLowerCase()));
}

export const waitForMail = (to: string, subject: string, timeoutMs = 30_000) =>
  eventually(
    async () => mailTo(to).find((m) => m.subject === subject),
    timeoutMs,
    `mail "${subject}" to ${to}`,
  );

// ---- OIDC through the gateway and the sandbox ---------------------------------------------------

/**
 * A browser signing in with a provider: auth's authorize (through the gateway) → the sandbox's
 * authorization endpoint and its headless sign-in as `hint` → back to auth's callback, whose
 * answer (tokens or a problem) is returned.
 */
export async function socialLogin(provider: string, hint: string) {
  const jar = new Map<string, Map<string, string>>();
  const cookieHeader = (url: string) =>
    [...(jar.get(new URL(url).host) ?? new Map())].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (url: string, res: Response) => {
    const host = new URL(url).host;
    const cookies = jar.get(host) ?? new Map<string, string>();
    jar.set(host, cookies);
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const value = pair!.slice(i + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(c) || value === '') cookies.delete(pair!.slice(0, i));
      else cookies.set(pair!.slice(0, i), value);
    }
  };
  let url = `${base()}/api/v1/auth/oauth/${provider}/authorize?loginHint=${encodeURIComponent(hint)}`;
  const callback = `${base()}/api/v1/auth/oauth/${provider}/callback`;
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: cookieHeader(url) } });
    keep(url, res);
    if (url.startsWith(callback)) {
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, hops: hop };
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
    // The callback base is the public URL (localhost); fetch it through the same gateway.
    url = new URL(location, url).href;
  }
  throw new Error('too many redirects');
}
