import { sellerDto as contractSellerDto } from '@mp/contracts';
import { z } from '@mp/platform';

/** A seller as its owner and the back office see it (the contracts' sellerDto, named here). */
export const sellerDto = contractSellerDto.meta({ id: 'Seller' });

export const storeName = z.string().trim().min(1).max(50);
export const csPhone = z
  .string()
  .regex(/^0\d{1,2}-?\d{3,4}-?\d{4}$/, 'a Korean phone number like 02-123-4567');
