import { disassemble } from 'es-hangul';

/**
 * Korean-friendly text normalisation, the same for documents and queries: NFKC (full-width
 * letters and digits), lower case, anything but letters and digits becomes a space. Typed jamo
 * (`ㅎ`) are left as they are: NFKC would turn them into conjoining jamo that match nothing.
 */
export const normalize = (s: string): string =>
  s
    .replace(/[^\u3130-\u318f]+/g, (part) => part.normalize('NFKC'))
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/** Without any spacing: `에어 운동화` and `에어운동화` become the same text. */
export const compact = (s: string): string => normalize(s).replaceAll(' ', '');

/** A query's terms, each compacted; a document matches when it contains every one. */
export const terms = (q: string): string[] => [...new Set(normalize(q).split(' ').filter(Boolean))];

/** The distinct two-character pieces of a text: what a two-character term is looked up by. */
export function bigrams(s: string): string[] {
  const out = new Set<string>();
  const chars = [...s];
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  return [...out];
}

/** Hangul taken apart into jamo (`운동화` → `ㅇㅜㄴㄷㅗㅇㅎㅘ`), so a half-typed syllable still matches. */
export const jamo = (s: string): string => disassemble(compact(s));

/**
 * Autocomplete keys of a name: the jamo of the compact text from each word on, so that typing
 * the start of any word (`운동`, `에어 운`) finds `나이키 에어 운동화`.
 */
export function suffixKeys(name: string): string[] {
  const words = normalize(name).split(' ').filter(Boolean);
  return [...new Set(words.map((_, i) => disassemble(words.slice(i).join(''))))].filter(Boolean);
}
