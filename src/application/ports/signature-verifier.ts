export type SignType = 'RSA2' | 'RSA';

export interface SignatureVerifier {
  /** The algorithm pinned by configuration: RSA2 is SHA256withRSA, RSA is SHA1withRSA. */
  readonly signType: SignType;
  /** True iff `sign` (base64) is Alipay's signature of exactly these bytes. Never throws. */
  verify(content: Uint8Array, sign: string): boolean;
}
