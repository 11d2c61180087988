import type { AlipayMessage } from './alipay-message.ts';

export interface AlipayCallbackParser {
  /**
   * Parses an application/x-www-form-urlencoded query or body.
   * @throws MalformedCallback for bad encoding, a repeated key, or a field that breaks Alipay's format
   */
  parse(raw: Uint8Array): AlipayMessage;
}
