/**
 * What is never kept in a stored copy of a payload (the admin's event monitor, payment's webhook
 * log), wherever it appears, by key: the same list for every service, so a new event or a PG's
 * new field with one of these names is redacted without anyone remembering to.
 */

/** Credentials and one-time secrets. */
export const secretKeys: readonly string[] = [
  'password',
  'newPassword',
  'currentPassword',
  'resetToken',
  'refreshToken',
  'accessToken',
  'token',
  'otp',
  'secret',
  'billingKey',
  'authKey',
  'cardNumber',
];

/**
 * Personal data (개인정보): addresses, phone numbers, names, emails, IP addresses, bank accounts.
 * `name` is redacted everywhere (a product's or a coupon's name goes with a person's): a monitor
 * may lose a label, never keep a name.
 */
export const personalKeys: readonly string[] = [
  'shippingAddress',
  'address',
  'addressLine',
  'detailAddress',
  'zipCode',
  'phone',
  'phoneNumber',
  'mobilePhone',
  'recipient',
  'receiverName',
  'name',
  'customerName',
  'depositorName',
  'email',
  'customerEmail',
  'ip',
  'accountNumber',
  'refundReceiveAccount',
];

const sensitive = new Set([...secretKeys, ...personalKeys]);
export const REDACTED = '[redacted]';

/** A copy of `value` with every sensitive key's value replaced by `[redacted]`, at any depth. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, sensitive.has(k) ? REDACTED : redact(v)]),
    );
  return value;
}
