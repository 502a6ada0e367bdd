/**
 * A client of the open-banking API (오픈뱅킹공동업무, 금융결제원) for what payouts need:
 * 계좌실명조회 (`POST /v2.0/inquiry/real_name`: the holder of an account), 입금이체 by account number
 * (`POST /v2.0/transfer/deposit/acnt_num`: money to a seller's account) and 이체결과조회
 * (`POST /v2.0/transfer/result`: what became of a transfer whose answer was lost or pending).
 * An access token is fetched with the client's credentials (`POST /oauth/2.0/token`, scope `oob`)
 * and kept until shortly before it expires. Each transfer carries its `bank_tran_id`, which the
 * caller keeps: asking about it, or sending it again, never moves the money twice.
 */

export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

export interface BankOptions {
  /** https://openapi.openbanking.or.kr, or the sandbox's base (…/sandbox/bank) locally. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** 이용기관코드 (10 characters): the first part of every bank_tran_id. */
  orgCode: string;
  /** 약정 계좌: the platform's account the payouts are drawn from. */
  contractAccount: string;
  timeoutMs: number;
  fetch?: Fetch;
}

export type TransferOutcome =
  | { status: 'PAID' }
  | { status: 'FAILED'; code: string; reason: string }
  /** The bank has it but has not finished (처리중), or its answer was lost: ask again later. */
  | { status: 'PROCESSING'; reason: string }
  /** The bank never received it: safe to send again with the same bank_tran_id. */
  | { status: 'NOT_FOUND' };

export interface Transfer {
  bankTranId: string;
  bankCode: string;
  accountNumber: string;
  holderName: string;
  amount: number;
  /** 입금계좌인자내역: what the seller's passbook shows (≤ 20 characters). */
  memo: string;
  /** Who asks (요청고객): the platform. */
  clientName: string;
}

export class BankError extends Error {
  /** ACCOUNT_NOT_FOUND, BANK_UNAVAILABLE, or BANK_<bank_rsp_code> */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export interface BankClient {
  /** 계좌실명조회: the 예금주 the bank has for an account. */
  holderOf(bankCode: string, accountNumber: string): Promise<string>;
  /** 입금이체: sends one transfer and reports what the bank said. */
  deposit(t: Transfer): Promise<TransferOutcome>;
  /** 이체결과조회: what became of a transfer sent on `sentAt`. */
  transferResult(t: { bankTranId: string; sentAt: Date; amount: number }): Promise<TransferOutcome>;
}

const OK = 'A0000';
/** 처리중: the bank has it and has not finished. */
const PROCESSING = 'A0007';
const BANK_OK = '000';
/** The bank answered that no such transfer was received. */
const BANK_NO_SUCH_TRANSFER = '515';
const BANK_NO_ACCOUNT = '400';

/** KST `YYYYMMDDHHmmss`, as open banking writes instants. */
export const kstStamp = (d: Date) =>
  new Date(d.getTime() + 9 * 3_600_000).toISOString().replace(/\D/g, '').slice(0, 14);

/** A fresh bank_tran_id: 이용기관코드 + `U` + nine characters unique per day and institution. */
export function newBankTranId(orgCode: string): string {
  const chars = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return `${orgCode}U${Array.from(bytes, (b) => chars[b % chars.length]).join('')}`;
}

export function openBanking(o: BankOptions): BankClient {
  const doFetch: Fetch = o.fetch ?? ((url, init) => fetch(url, init));
  let token: { value: string; until: number } | undefined;

  async function send(
    path: string,
    init: RequestInit,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    try {
      const res = await Promise.race([
        doFetch(`${o.baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(o.timeoutMs) }),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('timeout')), o.timeoutMs).unref(),
        ),
      ]);
      const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
      return { status: res.status, body };
    } catch (err) {
      throw new BankError('BANK_UNAVAILABLE', `the bank did not answer: ${(err as Error).message}`);
    }
  }

  async function accessToken(): Promise<string> {
    if (token && token.until > Date.now()) return token.value;
    const { status, body } = await send('/oauth/2.0/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: o.clientId,
        client_secret: o.clientSecret,
        scope: 'oob',
        grant_type: 'client_credentials',
      }).toString(),
    });
    if (status !== 200 || typeof body.access_token !== 'string')
      throw new BankError('BANK_UNAVAILABLE', `the bank refused our credentials (${status})`);
    const seconds = Number(body.expires_in ?? 0);
    token = { value: body.access_token, until: Date.now() + Math.max(0, seconds - 60) * 1000 };
    return token.value;
  }

  async function api(path: string, payload: Record<string, unknown>) {
    const call = async () =>
      send(path, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await accessToken()}`,
          'content-type': 'application/json; charset=UTF-8',
        },
        body: JSON.stringify(payload),
      });
    let r = await call();
    if (r.status === 401) {
      token = undefined;
      r = await call();
    }
    if (r.status >= 500 || r.status === 401 || r.status === 403)
      throw new BankError('BANK_UNAVAILABLE', `the bank answered ${r.status}`);
    return r.body;
  }

  const tranId = () => newBankTranId(o.orgCode);

  /** One item of a transfer's answer, read as an outcome. */
  function outcome(
    rspCode: unknown,
    item: Record<string, unknown> | undefined,
    fallback: string,
  ): TransferOutcome {
    if (rspCode === PROCESSING)
      return { status: 'PROCESSING', reason: String(item?.bank_rsp_message ?? '처리중') };
    const bankCode = String(item?.bank_rsp_code ?? '');
    if (bankCode === BANK_OK && (rspCode === OK || rspCode === undefined)) return { status: 'PAID' };
    if (bankCode === BANK_NO_SUCH_TRANSFER) return { status: 'NOT_FOUND' };
    if (!item)
      return rspCode === OK
        ? { status: 'PROCESSING', reason: fallback }
        : { status: 'FAILED', code: `BANK_${String(rspCode)}`, reason: fallback };
    return {
      status: 'FAILED',
      code: `BANK_${bankCode}`,
      reason: String(item.bank_rsp_message ?? fallback),
    };
  }

  return {
    async holderOf(bankCode, accountNumber) {
      const body = await api('/v2.0/inquiry/real_name', {
        bank_tran_id: tranId(),
        bank_code_std: bankCode,
        account_num: accountNumber,
        account_holder_info_type: ' ',
        account_holder_info: '',
        tran_dtime: kstStamp(new Date()),
      });
      if (
        body.rsp_code === OK &&
        body.bank_rsp_code === BANK_OK &&
        typeof body.account_holder_name === 'string'
      )
        return body.account_holder_name;
      if (body.bank_rsp_code === BANK_NO_ACCOUNT)
        throw new BankError('ACCOUNT_NOT_FOUND', String(body.bank_rsp_message ?? '해당 계좌 없음'));
      throw new BankError(
        body.bank_rsp_code ? `BANK_${String(body.bank_rsp_code)}` : 'BANK_UNAVAILABLE',
        String(body.bank_rsp_message ?? body.rsp_message ?? 'the bank refused the inquiry'),
      );
    },

    async deposit(t) {
      let body: Record<string, unknown>;
      try {
        body = await api('/v2.0/transfer/deposit/acnt_num', {
          cntr_account_type: 'N',
          cntr_account_num: o.contractAccount,
          wd_pass_phrase: 'NONE',
          wd_print_content: '정산금지급',
          name_check_option: 'on',
          tran_dtime: kstStamp(new Date()),
          req_cnt: '1',
          req_list: [
            {
              tran_no: '1',
              bank_tran_id: t.bankTranId,
              bank_code_std: t.bankCode,
              account_num: t.accountNumber,
              account_holder_name: t.holderName,
              print_content: t.memo.slice(0, 20),
              tran_amt: String(t.amount),
              req_client_name: t.clientName,
              req_client_num: o.orgCode,
              transfer_purpose: 'TR',
            },
          ],
        });
      } catch (err) {
        // Sent, perhaps received: only the transfer's result can tell.
        if (err instanceof BankError) return { status: 'PROCESSING', reason: err.message };
        throw err;
      }
      const item = (body.res_list as Record<string, unknown>[] | undefined)?.[0];
      return outcome(body.rsp_code, item, String(body.rsp_message ?? 'the bank refused the transfer'));
    },

    async transferResult(t) {
      const body = await api('/v2.0/transfer/result', {
        check_type: '2',
        tran_dtime: kstStamp(new Date()),
        req_cnt: '1',
        req_list: [
          {
            tran_no: '1',
            org_bank_tran_id: t.bankTranId,
            org_bank_tran_date: kstStamp(t.sentAt).slice(0, 8),
            org_tran_amt: String(t.amount),
          },
        ],
      });
      const item = (body.res_list as Record<string, unknown>[] | undefined)?.[0];
      return outcome(body.rsp_code, item, String(body.rsp_message ?? 'no answer about the transfer'));
    },
  };
}
