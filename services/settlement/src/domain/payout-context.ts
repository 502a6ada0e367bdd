import type { BankClient } from '../bank/openbanking.ts';
import type { Deps } from '../config.ts';

/** What payouts, holds and accounts work with. */
export interface PayoutContext extends Pick<Deps, 'db' | 'events' | 'log'> {
  /** Absent while the open-banking credentials are not configured: payouts and account checks wait. */
  bank: BankClient | undefined;
  orgCode: string;
  /** Who asks for the transfers (요청고객): the platform's name. */
  clientName: string;
  recheckAfterMs: number;
  seal(accountNumber: string): string;
  unseal(sealed: string): string;
  /** Sends pending payouts soon, without waiting for the next poll. */
  wake(): void;
}
