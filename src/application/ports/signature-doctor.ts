import type { AlipayMessage } from './alipay-message.ts';

/**
 * What became of a signature that did not verify as received. The first four are transport or
 * canonicalisation damage to a message Alipay really signed; the last three are never accepted.
 */
export type SignatureDiagnosis =
  | 'plus_became_space'
  | 'html_escaped'
  | 'sign_type_signed'
  | 'empty_values_signed'
  | 'signed_by_app_key'
  | 'other_sign_type'
  | 'unknown_key';

export interface Diagnosis {
  readonly diagnosis: SignatureDiagnosis;
  /** The message as Alipay signed it, when a repair verified under the configured key and algorithm. */
  readonly repaired?: AlipayMessage;
}

export interface SignatureDoctor {
  /** Names what happened to a callback whose signature did not verify. Bounded: a few verifications at most. */
  diagnose(callback: AlipayMessage): Diagnosis;
}
