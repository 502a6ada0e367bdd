import { describe, expect, it } from 'vitest';
import { bigrams, compact, jamo, normalize, suffixKeys, terms } from '../src/domain/text.ts';

describe('Korean text normalisation', () => {
  it('folds width, case, punctuation and spacing the same way for documents and queries', () => {
    expect(normalize('  ＮＩＫＥ 에어-운동화!! (260mm) ')).toBe('nike 에어 운동화 260mm');
    expect(compact('에어 운동화')).toBe(compact('에어운동화'));
    expect(terms('에어  운동화 에어')).toEqual(['에어', '운동화']);
  });

  it('keeps typed jamo, so a half-typed syllable can be matched', () => {
    expect(jamo('운동ㅎ')).toBe('ㅇㅜㄴㄷㅗㅇㅎ');
    expect(jamo('운동화').startsWith(jamo('운동ㅎ'))).toBe(true);
  });

  it('makes autocomplete keys from each word on, and bigrams of a text', () => {
    expect(suffixKeys('나이키 에어 운동화')).toEqual([
      jamo('나이키에어운동화'),
      jamo('에어운동화'),
      jamo('운동화'),
    ]);
    expect(bigrams('에어운동화').sort()).toEqual(['동화', '어운', '에어', '운동']);
  });
});
