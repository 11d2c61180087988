import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import type { Rejection, RejectionReason, RejectionRecord, ReplayOutcome } from '../../application/ports/rejection-log.ts';
import type { SignatureDiagnosis } from '../../application/ports/signature-doctor.ts';
import type { PaymentSource } from '../../domain/payment.ts';

/** A row of tb_payment_rejection as the log reads it, with whether its order is ours. */
export interface RejectionRow {
  seq: string | number;
  create_time: Date;
  channel: string;
  reason: string;
  detail: string;
  remote_address: string;
  out_trade_no: string | null;
  trade_no: string | null;
  params: string;
  raw: Uint8Array;
  diagnosis: string | null;
  replayed_at: Date | null;
  replay_outcome: string | null;
  replay_detail: string | null;
  order_known: boolean;
}

/** Every column a record needs. */
export const COLUMNS = [
  'seq',
  'create_time',
  'channel',
  'reason',
  'detail',
  'remote_address',
  'out_trade_no',
  'trade_no',
  'params',
  'raw',
  'diagnosis',
  'replayed_at',
  'replay_outcome',
  'replay_detail',
];

// Evaluated only for the rows a query returns: one primary-key lookup each, whatever the ring holds.
/** The row as the port's record. */
export function toRecord(row: RejectionRow): RejectionRecord {
  return {
    id: String(row.seq),
    at: row.create_time,
    channel: row.channel as PaymentSource,
    reason: row.reason as RejectionReason,
    detail: row.detail,
    remoteAddress: row.remote_address,
    outTradeNo: row.out_trade_no,
    tradeNo: row.trade_no,
    params: row.params,
    // pg reads bytea as a Buffer, PGlite as a Uint8Array: both become a plain copy.
    raw: new Uint8Array(row.raw),
    diagnosis: row.diagnosis as SignatureDiagnosis | null,
    replay:
      row.replay_outcome === null
        ? null
        : { at: row.replayed_at!, outcome: row.replay_outcome as ReplayOutcome, detail: row.replay_detail ?? '' },
    orderKnown: row.order_known,
  };
}

/**
 * What makes two refused callbacks the same message: their channel and their signature's bytes. Alipay
 * signs deterministically (RSA PKCS#1 v1.5) over sorted pairs without empty values, so pairs reordered,
 * empty ones added or the signature re-encoded are still one message; no one but Alipay can make another.
 * Without a signature, the bytes as received.
 */
export function rejectionDigest(rejection: Pick<Rejection, 'channel' | 'raw'>): Buffer {
  const raw = Buffer.from(rejection.raw.buffer, rejection.raw.byteOffset, rejection.raw.byteLength);
  // A signature's '+' arrives as '+' (a space once decoded) or as %2B: both are the same base64.
  const sign = new URLSearchParams(raw.toString('latin1')).get('sign')?.replaceAll(' ', '+');
  const signed = sign ? Buffer.from(sign, 'base64') : Buffer.alloc(0);
  return createHash('sha256')
    .update(rejection.channel)
    .update(signed.length > 0 ? '\nsign\n' : '\nraw\n')
    .update(signed.length > 0 ? signed : raw)
    .digest();
}
