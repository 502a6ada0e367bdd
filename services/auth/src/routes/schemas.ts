import { z } from '@mp/platform';

export const tokenPair = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    expiresIn: z.int(),
    tokenType: z.literal('Bearer'),
  })
  .openapi('TokenPair');

export const otp = z.string().trim().min(6).max(16);

/** The pair without the session id the domain also returns. */
export const pairOf = (p: {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}) => ({
  accessToken: p.accessToken,
  refreshToken: p.refreshToken,
  expiresIn: p.expiresIn,
  tokenType: p.tokenType,
});
