/** One Alipay return or notify, parsed exactly once. */
export interface AlipayCallback {
  /** Every parameter, decoded to text in the message's charset. */
  readonly fields: ReadonlyMap<string, string>;
  /** The base64 signature; '' when absent. */
  readonly sign: string;
  /** The sign_type the message claims, when it claims one. */
  readonly signType: string | undefined;
  /** The canonical bytes Alipay may have signed, in the order to try them. */
  readonly signedContents: readonly Uint8Array[];
}

export interface AlipayCallbackParser {
  /** Parses an application/x-www-form-urlencoded query or body. @throws MalformedCallback */
  parse(raw: Uint8Array): AlipayCallback;
}
