import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { sealSecret, unsealSecret } from '@mp/platform';

/**
 * What keeps saved payment methods safe, from one 32-byte key (PAYMENT_METHOD_KEY), split by HKDF:
 * billing keys sealed at rest (AES-256-GCM, `iv.tag.body` base64url), a keyed digest of each
 * billing key (one saved method per key, without storing it in clear), and each buyer's Toss
 * customerKey. Toss asks for a customerKey no one can guess from the user (not an id, email or
 * phone), of 2–50 characters from A-Z a-z 0-9 - _ = . @: an HMAC of the user id, base64url.
 */
export function methodSecrets(key: Buffer) {
  const sub = (info: string) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), info, 32));
  const sealing = sub('payment-method/billing-key-seal');
  const digesting = sub('payment-method/billing-key-digest');
  const customers = sub('payment-method/toss-customer-key');
  const accounts = sub('payment/refund-account-seal');
  const customerKeyOf = (userId: string) =>
    `mp_${createHmac('sha256', customers).update(userId).digest('base64url')}`;
  return {
    seal: (billingKey: string): string => sealSecret(sealing, billingKey),
    unseal: (sealed: string): string => unsealSecret(sealing, sealed),
    /** A buyer's refund account (virtual-account refunds), sealed at rest under its own key. */
    sealAccount: (account: RefundAccount): string => sealSecret(accounts, JSON.stringify(account)),
    unsealAccount: (sealed: string): RefundAccount =>
      JSON.parse(unsealSecret(accounts, sealed)) as RefundAccount,
    digest: (billingKey: string) => createHmac('sha256', digesting).update(billingKey).digest('hex'),
    /** The buyer's customerKey (46 characters). */
    customerKeyOf,
    /** Whether `customerKey` is this user's, in constant time. */
    isCustomerKeyOf(userId: string, customerKey: string): boolean {
      const mine = Buffer.from(customerKeyOf(userId));
      const given = Buffer.from(customerKey);
      return mine.length === given.length && timingSafeEqual(mine, given);
    },
  };
}

export type MethodSecrets = ReturnType<typeof methodSecrets>;
export type RefundAccount = { bank: string; accountNumber: string; holderName: string };
