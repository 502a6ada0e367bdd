import { describe, expect, it } from 'vitest';
import {
  checkText,
  eucKrBytes,
  fitLms,
  LMS_BYTES,
  renderText,
  textKind,
} from '../src/domain/template-text.ts';

describe('template text', () => {
  it('counts EUC-KR bytes as carriers do: ASCII 1, 한글 2', () => {
    expect(eucKrBytes('abc')).toBe(3);
    expect(eucKrBytes('결제 완료')).toBe(9);
    expect(textKind('가'.repeat(45))).toBe('SMS');
    expect(textKind('가'.repeat(46))).toBe('LMS');
  });

  it('cuts a text beyond the LMS budget to fit, keeping whole characters', () => {
    const cut = fitLms('가'.repeat(1500));
    expect(eucKrBytes(cut)).toBeLessThanOrEqual(LMS_BYTES);
    expect(cut.endsWith('...')).toBe(true);
    expect(fitLms('짧은 문자')).toBe('짧은 문자');
  });

  it('escapes only when rendering HTML', () => {
    expect(renderText('{{x}}', { x: '<a & b>' }, { html: true })).toBe('&lt;a &amp; b&gt;');
    expect(renderText('{{x}}', { x: '<a & b>' }, { html: false })).toBe('<a & b>');
  });

  it('checks placeholders inside sections and lists what a text uses', () => {
    const { problems, used } = checkText('body', '{{#link}}{{link}} {{other}}{{/link}}', new Set(['link']), {
      html: false,
    });
    expect([...used].sort()).toEqual(['link', 'other']);
    expect(problems).toEqual([
      { path: 'body', message: expect.stringContaining('unknown placeholder {{other}}') },
    ]);
  });
});
