import { PublishCommand, SNSClient, SNSServiceException } from '@aws-sdk/client-sns';

export interface SnsOptions {
  region: string;
  /** The AWS emulator locally; unset on AWS. */
  endpoint?: string | undefined;
  /** Static keys for the emulator; on AWS the pod's IRSA role. */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** 발신번호 / sender id, where the destination country supports one. */
  senderId?: string | undefined;
}

/** Why a text was not sent: `retry` (throttled, SNS down) or `failed` (a bad number, opted out). */
export class SmsError extends Error {
  readonly kind: 'retry' | 'failed';
  readonly code: string;
  constructor(kind: SmsError['kind'], code: string, message: string) {
    super(message);
    this.name = 'SmsError';
    this.kind = kind;
    this.code = code;
  }
}

/** Sends transactional SMS (문자) through SNS `Publish` with `PhoneNumber`. */
export function snsTexter(o: SnsOptions) {
  const client = new SNSClient({
    region: o.region,
    maxAttempts: 2,
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.credentials ? { credentials: o.credentials } : {}),
  });
  return {
    /** Answers SNS's message id. */
    async send(phoneNumber: string, text: string): Promise<string> {
      try {
        const out = await client.send(
          new PublishCommand({
            PhoneNumber: phoneNumber,
            Message: text,
            MessageAttributes: {
              'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
              ...(o.senderId
                ? { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: o.senderId } }
                : {}),
            },
          }),
        );
        return out.MessageId ?? '';
      } catch (err) {
        if (err instanceof SNSServiceException) {
          const retry =
            err.$retryable !== undefined || err.$fault === 'server' || err.name === 'ThrottledException';
          throw new SmsError(retry ? 'retry' : 'failed', err.name, `SNS ${err.name}: ${err.message}`);
        }
        throw new SmsError('retry', 'NO_ANSWER', `no answer from SNS: ${(err as Error).message}`);
      }
    },
    close: () => client.destroy(),
  };
}
export type Texter = ReturnType<typeof snsTexter>;
