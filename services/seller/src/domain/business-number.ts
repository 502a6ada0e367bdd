/**
 * 사업자등록번호: ten digits `XXX-XX-XXXXX`; the last is a check digit. Weights 1,3,7,1,3,7,1,3,5
 * on the first nine, plus the tens of (9th digit × 5); the check digit brings the sum to a
 * multiple of ten.
 */
export function normalizeBusinessNumber(input: string): string | undefined {
  const digits = input.replace(/[\s-]/g, '');
  return /^\d{10}$/.test(digits) ? digits : undefined;
}

export function isValidBusinessNumber(input: string): boolean {
  const n = normalizeBusinessNumber(input);
  if (!n) return false;
  const d = [...n].map(Number);
  const weights = [1, 3, 7, 1, 3, 7, 1, 3, 5];
  let sum = weights.reduce((s, w, i) => s + w * d[i]!, 0);
  sum += Math.floor((d[8]! * 5) / 10);
  return (10 - (sum % 10)) % 10 === d[9];
}

/** `1234567890` → `123-45-67890`. */
export const formatBusinessNumber = (n: string) => `${n.slice(0, 3)}-${n.slice(3, 5)}-${n.slice(5)}`;
