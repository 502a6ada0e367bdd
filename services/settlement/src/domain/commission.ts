import type { ConfigValue } from '@mp/contracts';

/** The commission rate of an item: the seller's override, else its category's, else the default. */
export function rateFor(
  policy: ConfigValue<'settlement.commission'>,
  sellerId: string,
  categoryId: string | undefined,
): number {
  return (
    policy.bySeller[sellerId] ??
    (categoryId !== undefined ? policy.byCategory[categoryId] : undefined) ??
    policy.defaultRateBp
  );
}
