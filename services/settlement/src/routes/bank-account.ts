import type { Selectable } from '@mp/platform';
import {
  type App,
  createRoute,
  jsonBody,
  jsonResponse,
  principalOf,
  problems,
  requireRole,
  z,
} from '@mp/platform';
import type { SettlementContext } from '../context.ts';
import type { BankAccountsTable } from '../db/schema.ts';
import { accountOf, registerAccount } from '../domain/bank-accounts.ts';

const accountView = z
  .object({
    sellerId: z.string(),
    bankCode: z.string().openapi({ description: '금융기관 표준코드 (3 digits, e.g. 004 KB국민은행)' }),
    accountNumber: z.string().openapi({ description: 'masked: only the last four digits are shown' }),
    holderName: z.string().openapi({ description: '예금주, as the bank has it' }),
    verifiedAt: z.string(),
  })
  .openapi('BankAccount');

const toAccountView = (a: Selectable<BankAccountsTable>): z.infer<typeof accountView> => ({
  sellerId: a.seller_id,
  bankCode: a.bank_code,
  accountNumber: a.account_masked,
  holderName: a.holder_name,
  verifiedAt: a.verified_at.toISOString(),
});

const put = createRoute({
  method: 'put',
  path: '/api/v1/settlements/bank-account',
  summary:
    '정산 계좌 등록: the seller registers its payout account; its 예금주 is checked with the bank first',
  middleware: [requireRole('seller')] as const,
  security: [{ bearer: [] }],
  request: {
    body: jsonBody(
      z.object({
        bankCode: z.string().regex(/^\d{3}$/, '3 digits (금융기관 표준코드)'),
        accountNumber: z
          .string()
          .transform((s) => s.replace(/[\s-]/g, ''))
          .pipe(z.string().regex(/^\d{6,16}$/, '6–16 digits')),
        holderName: z.string().trim().min(1).max(40),
      }),
    ),
  },
  responses: {
    200: jsonResponse(accountView, 'The account, verified and kept'),
    ...problems(400, 401, 403, 422, 503),
  },
});

const get = createRoute({
  method: 'get',
  path: '/api/v1/settlements/bank-account',
  summary: "The seller's payout account (an admin names the seller)",
  middleware: [requireRole('seller', 'admin')] as const,
  security: [{ bearer: [] }],
  request: {
    query: z.object({ sellerId: z.string().max(64).optional().openapi({ description: 'admin only' }) }),
  },
  responses: { 200: jsonResponse(accountView, 'The account'), ...problems(400, 401, 403, 404) },
});

export function bankAccountRoutes(app: App, deps: SettlementContext) {
  app.openapi(put, async (c) => {
    const who = principalOf(c);
    const a = await registerAccount(deps.payouts, who.userId, c.req.valid('json'));
    return c.json(toAccountView(a), 200);
  });
  app.openapi(get, async (c) => {
    const who = principalOf(c);
    const sellerId = who.role === 'admin' ? (c.req.valid('query').sellerId ?? who.userId) : who.userId;
    return c.json(toAccountView(await accountOf(deps.db, sellerId)), 200);
  });
}
