import { describe, expect, it } from 'vitest';
import { type GradePolicy, gradeFor, nextGrade, parseGradeRules } from '../src/domain/grades.ts';

const policy: GradePolicy = {
  base: 'BRONZE',
  rules: parseGradeRules('SILVER=300000,GOLD=1000000,VIP=3000000'),
  windowDays: 180,
};

describe('grades (등급)', () => {
  it('gives each amount the highest grade whose threshold it reaches', () => {
    expect(gradeFor(policy, 0)).toBe('BRONZE');
    expect(gradeFor(policy, 299_999)).toBe('BRONZE');
    expect(gradeFor(policy, 300_000)).toBe('SILVER');
    expect(gradeFor(policy, 2_999_999)).toBe('GOLD');
    expect(gradeFor(policy, 50_000_000)).toBe('VIP');
  });

  it('says how far the next grade is, and nothing at the top', () => {
    expect(nextGrade(policy, 250_000)).toEqual({ grade: 'SILVER', minAmount: 300_000, remaining: 50_000 });
    expect(nextGrade(policy, 3_000_000)).toBeNull();
  });

  it('refuses thresholds that do not rise or do not parse', () => {
    expect(() => parseGradeRules('GOLD=100,SILVER=50')).toThrow('rise');
    expect(() => parseGradeRules('GOLD:100')).toThrow('GRADE=amount');
    expect(parseGradeRules('')).toEqual([]);
  });
});
