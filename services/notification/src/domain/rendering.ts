/** A message as each channel sends it: the operator's active override where there is one, the code's wording otherwise. */
import { type Kysely, notFound, validationFailed } from '@mp/platform';
import type { Database, TemplateChannel, TemplateParts } from '../db/schema.ts';
import { emailLayout, type Message, renderEmail } from './message.ts';
import { samplesOf, templateCatalog } from './template-catalog.ts';
import { activeOverrides, activeOverridesOf, type Overrides } from './template-overrides.ts';
import { assertValid, specOf } from './template-rules.ts';
import { eucKrBytes, fitLms, renderText, smsText, textKind } from './template-text.ts';

export interface Rendered {
  email: { subject: string; html: string };
  inApp: { title: string; body: string };
  push: { title: string; body: string };
  sms: string;
}

function withValues(o: Overrides, vars: Record<string, string>) {
  const text = (s: string | undefined) => renderText(s ?? '', vars, { html: false });
  // A value with a line break (an event's reason) must not break the mail header or a push title.
  const line = (s: string | undefined) => text(s).replace(/\s*[\r\n]+\s*/g, ' ');
  return {
    email: o.EMAIL && {
      subject: line(o.EMAIL.subject),
      html: emailLayout(renderText(o.EMAIL.html ?? '', vars, { html: true })),
    },
    inApp: o.IN_APP && { title: line(o.IN_APP.title), body: text(o.IN_APP.body) },
    push: o.PUSH && { title: line(o.PUSH.title), body: text(o.PUSH.body) },
    sms: o.SMS && fitLms(text(o.SMS.text)),
  };
}

/** Whether an operator's override may reword this message (its template is declared in template-catalog.ts). */
const overridable = (m: Message) => Boolean(m.vars) && Object.hasOwn(templateCatalog, m.template);

/** The overrides active for a message's template (none for a template not declared in template-catalog.ts). */
export const overridesFor = (db: Kysely<Database>, m: Message): Promise<Overrides> =>
  overridable(m) ? activeOverrides(db, m.template) : Promise.resolve({});

/** The overrides active for each of these messages, read in one statement, in their order. */
export async function overridesOf(db: Kysely<Database>, ms: Message[]): Promise<Overrides[]> {
  const active = await activeOverridesOf(
    db,
    ms.filter(overridable).map((m) => m.template),
  );
  return ms.map((m) => (overridable(m) ? (active.get(m.template) ?? {}) : {}));
}

export function render(m: Message, o: Overrides): Rendered {
  const body = m.lines.join('\n');
  const r = withValues(o, m.vars ?? {});
  return {
    email: r.email ?? { subject: m.title, html: renderEmail(m) },
    inApp: r.inApp ?? { title: m.title, body },
    push: r.push ?? { title: m.title, body },
    sms: r.sms ?? smsText(m.title, body),
  };
}

export interface PreviewInput {
  channel: TemplateChannel;
  /** A draft to try; otherwise `version`, otherwise the active version. */
  content?: TemplateParts | undefined;
  version?: number | undefined;
  /** Values instead of the samples, by variable name. */
  data?: Record<string, string> | undefined;
}

/** Renders a draft or a saved version with sample values, sending nothing. */
export async function preview(db: Kysely<Database>, template: string, input: PreviewInput) {
  const { channel } = input;
  const spec = specOf(template, channel);
  const unknown = Object.keys(input.data ?? {}).filter((k) => !Object.hasOwn(spec.variables, k));
  if (unknown.length)
    throw validationFailed(
      unknown.map((k) => ({ path: `data.${k}`, message: `${template} declares no variable ${k}` })),
    );
  let parts = input.content;
  let version: number | null = null;
  if (parts) assertValid(spec, channel, parts);
  else {
    const q = db
      .selectFrom('template_versions')
      .select(['version', 'content'])
      .where('template', '=', template)
      .where('channel', '=', channel);
    const row = await (input.version !== undefined
      ? q.where('version', '=', input.version)
      : q.where('version', '=', (s) =>
          s
            .selectFrom('template_overrides')
            .select('active_version')
            .where('template', '=', template)
            .where('channel', '=', channel),
        )
    ).executeTakeFirst();
    if (!row)
      throw notFound(
        'TEMPLATE_VERSION_NOT_FOUND',
        input.version !== undefined
          ? `${template} has no ${channel} version ${input.version}`
          : `${template} has no active ${channel} override; the code's wording is sent`,
      );
    parts = row.content;
    version = row.version;
  }
  const r = withValues({ [channel]: parts }, { ...samplesOf(spec), ...input.data });
  const rendered =
    channel === 'EMAIL'
      ? r.email!
      : channel === 'SMS'
        ? { text: r.sms!, bytes: eucKrBytes(r.sms!), kind: textKind(r.sms!) }
        : channel === 'PUSH'
          ? r.push!
          : r.inApp!;
  return { template, channel, version, rendered };
}
