/** What an override must be to be saved (400s name the part: `subject`, `html`, `title`, `body`, `text`). */
import { type FieldError, notFound, validationFailed } from '@mp/platform';
import type { TemplateParts } from '../db/schema.ts';
import {
  channelsOf,
  partsOf,
  samplesOf,
  type TemplateChannel,
  type TemplateSpec,
  templateCatalog,
} from './template-catalog.ts';
import { checkText, eucKrBytes, LMS_BYTES, renderText } from './template-text.ts';

/** The template's spec; an unknown template is a 404, a channel it does not go out on a 400 naming `channel`. */
export function specOf(template: string, channel?: TemplateChannel): TemplateSpec {
  const spec = Object.hasOwn(templateCatalog, template) ? templateCatalog[template] : undefined;
  if (!spec) throw notFound('TEMPLATE_NOT_FOUND', `No template ${template}`);
  if (channel && !channelsOf(template, spec).includes(channel))
    throw validationFailed([
      {
        path: 'channel',
        message: spec.only
          ? `${template} goes by ${spec.only.join(', ')} only and cannot be overridden on ${channel} (security mail)`
          : `${template} is not sent by ${channel}; it goes by ${channelsOf(template, spec).join(', ')}`,
      },
    ]);
  return spec;
}

/** Every problem of one channel's parts, each naming its part. */
export function problemsOf(spec: TemplateSpec, channel: TemplateChannel, parts: TemplateParts): FieldError[] {
  const wanted: readonly string[] = partsOf[channel];
  const declared = new Set(Object.keys(spec.variables));
  const problems: FieldError[] = [];
  for (const [part, value] of Object.entries(parts))
    if (value !== undefined && !wanted.includes(part))
      problems.push({ path: part, message: `not a part of a ${channel} template (${wanted.join(', ')})` });
  for (const part of wanted) {
    const source = parts[part as keyof TemplateParts];
    if (source === undefined || source.trim() === '') {
      problems.push({ path: part, message: `required for ${channel}` });
      continue;
    }
    const checked = checkText(part, source, declared, { html: channel === 'EMAIL' && part === 'html' });
    problems.push(...checked.problems);
    if ((part === 'subject' || part === 'title') && /[\r\n]/.test(source))
      problems.push({ path: part, message: 'must be a single line' });
    for (const name of spec.required?.[part] ?? [])
      if (!checked.used.has(name))
        problems.push({ path: part, message: `must use {{${name}}} (${spec.variables[name]?.description})` });
    if (channel === 'SMS' && checked.problems.length === 0) {
      const bytes = eucKrBytes(renderText(source, samplesOf(spec), { html: false }));
      if (bytes > LMS_BYTES)
        problems.push({
          path: part,
          message: `${bytes} bytes (EUC-KR, with the sample values); an LMS takes at most ${LMS_BYTES}`,
        });
    }
  }
  return problems;
}

/** Refuses parts that break a rule, as a 400 naming each part. */
export function assertValid(spec: TemplateSpec, channel: TemplateChannel, parts: TemplateParts): void {
  const problems = problemsOf(spec, channel, parts);
  if (problems.length) throw validationFailed(problems, 'The template is not valid');
}
