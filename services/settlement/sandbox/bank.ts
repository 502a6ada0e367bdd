import { type App, type Kysely, sql, z } from '@mp/platform';

import { BANK_SANDBOX_BASE } from '../src/config.ts';

interface Account {
  bank_code: string;
  account_num: string;
  holder_name: string;
  /** NORMAL; SUSPENDED (거래정지: its holder can be looked up, transfers to it fail); SLOW (transfers stay 처리중 until asked about). */
  state: 'NORMAL' | 'SUSPENDED' | 'SLOW';
}
interface Sent {
  bank_tran_id: string;
  bank_code: string;
  account_num: string;
  amount: number;
  bank_rsp_code: string;
  bank_rsp_message: string;
  /** 처리중 until the next result inquiry. */
  pending: boolean;
}
interface Tables {
  bank_sandbox_accounts: Account;
  bank_sandbox_transfers: Sent;
}

const ready = new WeakMap<object, Promise<void>>();
/** The sandbox's tables, made on first use and only where it is mounted (local profiles), never in production schemas. */
function tables(db: Kysely<unknown>): Promise<Kysely<Tables>> {
  let p = ready.get(db);
  if (!p) {
    p = sql`
      create table if not exists bank_sandbox_accounts (
        bank_code text not null, account_num text not null, holder_name text not null,
        state text not null default 'NORMAL', primary key (bank_code, account_num));
      create table if not exists bank_sandbox_transfers (
        bank_tran_id text primary key, bank_code text not null, account_num text not null,
        amount bigint not null, bank_rsp_code text not null, bank_rsp_message text not null,
        pending boolean not null default false, created_at timestamptz not null default now())`
      .execute(db)
      .then(() => undefined);
    ready.set(db, p);
    p.catch(() => ready.delete(db));
  }
  return p.then(() => db as Kysely<Tables>);
}

const stamp = () => new Date(Date.now() + 9 * 3_600_000).toISOString().replace(/\D/g, '').slice(0, 14);
const apiTranId = () => `SBX${crypto.randomUUID().replace(/-/g, '').slice(0, 20).toUpperCase()}`;
const bankNames: Record<string, string> = {
  '004': 'KB국민은행',
  '011': 'NH농협은행',
  '020': '우리은행',
  '081': '하나은행',
  '088': '신한은행',
  '090': '카카오뱅크',
  '092': '토스뱅크',
};

/**
 * A bank sandbox speaking the open-banking API (local profiles and tests only): the client-credentials
 * token, 계좌실명조회, 입금이체 by account number and 이체결과조회. Its accounts are opened with
 * `POST /sandbox/bank/accounts {bankCode, accountNumber, holderName, state}` (again to change one).
 * Deterministic answers:
 * - an account never opened: bank_rsp_code `400` (해당 계좌 없음), for a lookup and a transfer;
 * - a transfer whose 수취인 성명 differs from the account's holder: `823` (수취인 성명 불일치);
 * - a transfer to a `SUSPENDED` account: `551` (거래정지 계좌);
 * - a transfer to a `SLOW` account: rsp_code `A0007` (처리중), settled as `000` when its result is asked;
 * - a bank_tran_id sent again: the first answer again (the money moves once);
 * - a result asked for a bank_tran_id never received: `515`.
 */
export function bankSandbox(app: App, anyDb: Kysely<unknown>, o: { clientId: string; clientSecret: string }) {
  const token = `sandbox-${Buffer.from(o.clientId).toString('base64url')}`;
  const authorised = (h: string | undefined) => h === `Bearer ${token}`;
  const unauthorised = { rsp_code: 'O0001', rsp_message: '인증 실패' };

  const accountBody = z.object({
    bankCode: z.string().regex(/^\d{3}$/),
    accountNumber: z.string().regex(/^\d{6,16}$/),
    holderName: z.string().min(1).max(40),
    state: z.enum(['NORMAL', 'SUSPENDED', 'SLOW']).default('NORMAL'),
  });
  app.post(`${BANK_SANDBOX_BASE}/accounts`, async (c) => {
    const parsed = accountBody.safeParse(await c.req.json().catch(() => ({})));
    if (!parsed.success) return c.json({ rsp_code: 'O0002', rsp_message: parsed.error.message }, 400);
    const a = parsed.data;
    const db = await tables(anyDb);
    await db
      .insertInto('bank_sandbox_accounts')
      .values({
        bank_code: a.bankCode,
        account_num: a.accountNumber,
        holder_name: a.holderName,
        state: a.state,
      })
      .onConflict((oc) =>
        oc.columns(['bank_code', 'account_num']).doUpdateSet({ holder_name: a.holderName, state: a.state }),
      )
      .execute();
    return c.json(a, 201);
  });

  app.post(`${BANK_SANDBOX_BASE}/oauth/2.0/token`, async (c) => {
    const form = new URLSearchParams(await c.req.text());
    if (form.get('client_id') !== o.clientId || form.get('client_secret') !== o.clientSecret)
      return c.json({ rsp_code: 'O0001', rsp_message: 'client 인증 실패' }, 401);
    return c.json({
      access_token: token,
      token_type: 'Bearer',
      expires_in: 7_776_000,
      scope: 'oob',
      client_use_code: 'SANDBOX',
    });
  });

  const account = async (bankCode: unknown, accountNum: unknown) =>
    (await tables(anyDb))
      .selectFrom('bank_sandbox_accounts')
      .selectAll()
      .where('bank_code', '=', String(bankCode))
      .where('account_num', '=', String(accountNum))
      .executeTakeFirst();

  app.post(`${BANK_SANDBOX_BASE}/v2.0/inquiry/real_name`, async (c) => {
    if (!authorised(c.req.header('authorization'))) return c.json(unauthorised, 401);
    const b = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
    const a = await account(b.bank_code_std, b.account_num);
    const head = {
      api_tran_id: apiTranId(),
      api_tran_dtm: `${stamp()}000`,
      bank_tran_id: b.bank_tran_id,
      bank_tran_date: stamp().slice(0, 8),
      bank_code_tran: b.bank_code_std,
      bank_code_std: b.bank_code_std,
      bank_name: bankNames[String(b.bank_code_std)] ?? '은행',
      account_num: b.account_num,
    };
    if (!a)
      return c.json({
        ...head,
        rsp_code: 'A0002',
        rsp_message: '참가기관 에러',
        bank_rsp_code: '400',
        bank_rsp_message: '해당 계좌 없음',
      });
    return c.json({
      ...head,
      rsp_code: 'A0000',
      rsp_message: '',
      bank_rsp_code: '000',
      bank_rsp_message: '',
      account_holder_info_type: b.account_holder_info_type ?? ' ',
      account_holder_info: b.account_holder_info ?? '',
      account_holder_name: a.holder_name,
      account_type: '1',
    });
  });

  app.post(`${BANK_SANDBOX_BASE}/v2.0/transfer/deposit/acnt_num`, async (c) => {
    if (!authorised(c.req.header('authorization'))) return c.json(unauthorised, 401);
    const b = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
    const req = (b.req_list as Record<string, unknown>[] | undefined)?.[0];
    if (!req?.bank_tran_id) return c.json({ rsp_code: 'O0002', rsp_message: 'req_list가 없습니다' }, 400);
    const db = await tables(anyDb);
    const id = String(req.bank_tran_id);
    let sent = await db
      .selectFrom('bank_sandbox_transfers')
      .selectAll()
      .where('bank_tran_id', '=', id)
      .executeTakeFirst();
    if (!sent) {
      const a = await account(req.bank_code_std, req.account_num);
      const [code, message] = !a
        ? ['400', '해당 계좌 없음']
        : b.name_check_option !== 'off' && a.holder_name !== req.account_holder_name
          ? ['823', '수취인 성명 불일치']
          : a.state === 'SUSPENDED'
            ? ['551', '거래정지 계좌']
            : ['000', ''];
      await db
        .insertInto('bank_sandbox_transfers')
        .values({
          bank_tran_id: id,
          bank_code: String(req.bank_code_std),
          account_num: String(req.account_num),
          amount: Number(req.tran_amt),
          bank_rsp_code: code,
          bank_rsp_message: message,
          pending: a?.state === 'SLOW' && code === '000',
        })
        .onConflict((oc) => oc.column('bank_tran_id').doNothing())
        .execute();
      sent = await db
        .selectFrom('bank_sandbox_transfers')
        .selectAll()
        .where('bank_tran_id', '=', id)
        .executeTakeFirstOrThrow();
    }
    return c.json({
      api_tran_id: apiTranId(),
      api_tran_dtm: `${stamp()}000`,
      ...(sent.pending
        ? { rsp_code: 'A0007', rsp_message: '처리중' }
        : sent.bank_rsp_code === '000'
          ? { rsp_code: 'A0000', rsp_message: '' }
          : { rsp_code: 'A0002', rsp_message: '참가기관 에러' }),
      res_cnt: '1',
      res_list: [itemOf(sent)],
    });
  });

  app.post(`${BANK_SANDBOX_BASE}/v2.0/transfer/result`, async (c) => {
    if (!authorised(c.req.header('authorization'))) return c.json(unauthorised, 401);
    const b = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
    const req = (b.req_list as Record<string, unknown>[] | undefined)?.[0];
    const db = await tables(anyDb);
    const sent = await db
      .updateTable('bank_sandbox_transfers')
      .set({ pending: false })
      .where('bank_tran_id', '=', String(req?.org_bank_tran_id))
      .returningAll()
      .executeTakeFirst();
    return c.json({
      api_tran_id: apiTranId(),
      api_tran_dtm: `${stamp()}000`,
      rsp_code: 'A0000',
      rsp_message: '',
      res_cnt: '1',
      res_list: [
        sent
          ? itemOf(sent)
          : {
              tran_no: '1',
              bank_tran_id: req?.org_bank_tran_id,
              bank_rsp_code: '515',
              bank_rsp_message: '원거래 없음',
            },
      ],
    });
  });
}

function itemOf(s: Sent) {
  return {
    tran_no: '1',
    bank_tran_id: s.bank_tran_id,
    bank_tran_date: stamp().slice(0, 8),
    bank_code_tran: s.bank_code,
    bank_rsp_code: s.pending ? '000' : s.bank_rsp_code,
    bank_rsp_message: s.pending ? '처리중' : s.bank_rsp_message,
    bank_code_std: s.bank_code,
    bank_name: bankNames[s.bank_code] ?? '은행',
    account_num_masked: `${s.account_num.slice(0, -4)}****`,
    tran_amt: String(s.amount),
  };
}
