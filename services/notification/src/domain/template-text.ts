/**
 * The text of a template override (알림 템플릿): mustache, logic-less. Only the template's declared
 * variables may be used; sections (`{{#x}}…{{/x}}`, `{{^x}}…{{/x}}`) on declared variables are fine,
 * partials and delimiter changes are not. Email HTML escapes every variable and refuses the
 * unescaped forms (`{{{x}}}`, `{{&x}}`); push, in-app and SMS text is never escaped.
 */
import type { FieldError } from '@mp/platform';
import Mustache from 'mustache';

type Token = [string, string, number, number, Token[]?, ...unknown[]];

/** Checks one part (`subject`, `html`, `text`, …): answers the problems, each naming the part. */
export function checkText(
  part: string,
  source: string,
  declared: ReadonlySet<string>,
  o: { html: boolean },
): { problems: FieldError[]; used: Set<string> } {
  const problems: FieldError[] = [];
  const used = new Set<string>();
  let tokens: Token[];
  try {
    tokens = Mustache.parse(source) as unknown as Token[];
  } catch (err) {
    return { problems: [{ path: part, message: `not a valid template: ${(err as Error).message}` }], used };
  }
  const variable = (name: string) => {
    used.add(name);
    if (!declared.has(name))
      problems.push({
        path: part,
        message: `unknown placeholder {{${name}}}; this template declares ${[...declared].map((d) => `{{${d}}}`).join(', ') || 'no variables'}`,
      });
  };
  const walk = (list: Token[]) => {
    for (const [kind, value, , , children] of list) {
      if (kind === 'text' || kind === '!') continue;
      if (kind === 'name') variable(value);
      else if (kind === '&' || kind === '{') {
        if (o.html)
          problems.push({
            path: part,
            message: `{{{${value}}}} / {{&${value}}} would put ${value} into the HTML unescaped; write {{${value}}}`,
          });
        variable(value);
      } else if (kind === '#' || kind === '^') {
        variable(value);
        walk(children ?? []);
      } else if (kind === '>')
        problems.push({ path: part, message: `partials ({{>${value}}}) are not supported` });
      else if (kind === '=')
        problems.push({ path: part, message: 'delimiter changes ({{=…=}}) are not supported' });
    }
  };
  walk(tokens);
  return { problems, used };
}

const verbatim = (s: unknown) => String(s);

/** Renders one part with the message's values: HTML-escaped for email bodies, verbatim otherwise. */
export const renderText = (source: string, vars: Record<string, string>, o: { html: boolean }) =>
  Mustache.render(source, vars, {}, o.html ? {} : { escape: verbatim });

/** 문자 limits as Korean carriers count them: EUC-KR bytes (한글 2, ASCII 1). */
export const SMS_BYTES = 90;
export const LMS_BYTES = 2000;

/** A text's size in EUC-KR bytes (characters outside ASCII count 2, as carriers bill Hangul). */
export function eucKrBytes(s: string): number {
  let n = 0;
  for (const ch of s) n += ch.codePointAt(0)! < 0x80 ? 1 : 2;
  return n;
}

/** SMS up to 90 bytes, LMS (장문) beyond. */
export const textKind = (s: string): 'SMS' | 'LMS' => (eucKrBytes(s) <= SMS_BYTES ? 'SMS' : 'LMS');

/** Cuts a text to the LMS budget (a long reason from an event must not make the send fail). */
export function fitLms(s: string): string {
  if (eucKrBytes(s) <= LMS_BYTES) return s;
  let n = 0;
  let out = '';
  for (const ch of s) {
    const b = ch.codePointAt(0)! < 0x80 ? 1 : 2;
    if (n + b > LMS_BYTES - 3) break;
    n += b;
    out += ch;
  }
  return `${out}...`;
}

/** The SMS text: the brand in brackets first, as Korean senders write it (LMS beyond 90 bytes). */
export const smsText = (title: string, body: string) => `[마켓플레이스] ${title}\n${body}`.slice(0, 600);
