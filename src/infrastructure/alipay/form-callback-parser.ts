import { Buffer } from 'node:buffer';
import iconv from 'iconv-lite';
import { injectable } from 'inversify';
import { MalformedCallback } from '../../application/errors.ts';
import type { AlipayCallbackParser } from '../../application/ports/alipay-callback-parser.ts';
import type { AlipayMessage } from '../../application/ports/alipay-message.ts';
import { decodeForm, decodeUtf8, type RawPair } from './form-decoding.ts';
import { ambiguityOf, signContentCandidates } from './sign-content.ts';
import { tradeReportOf } from './trade-report.ts';

// Alipay sends gbk/gb2312 to merchants whose pay request declared no charset; gb18030 is their superset.
// A Map, not an object literal: a declared charset of "constructor" must not find Object's prototype.
const CHARSETS: ReadonlyMap<string, string> = new Map([
  ['utf-8', 'utf-8'],
  ['utf8', 'utf-8'],
  ['gbk', 'gbk'],
  ['gb2312', 'gbk'],
  ['gb18030', 'gb18030'],
]);

/** Parses Alipay's form-encoded returns and notifies once, keeping the exact signed bytes. */
@injectable()
export class FormCallbackParser implements AlipayCallbackParser {
  parse(raw: Uint8Array): AlipayMessage {
    const pairs = decodeForm(raw);
    const charset = charsetOf(pairs);
    const fields = new Map<string, string>();
    for (const { key, value } of pairs) fields.set(key, decodeText(value, charset));
    return {
      raw,
      ambiguity: ambiguityOf(pairs),
      report: tradeReportOf(fields),
      fields,
      sign: fields.get('sign') ?? '',
      signType: fields.get('sign_type'),
      signedContents: signContentCandidates(pairs),
    };
  }
}

function charsetOf(pairs: readonly RawPair[]): string {
  const declared = pairs.find(({ key }) => key === 'charset');
  if (!declared || declared.value.length === 0) return 'utf-8';
  const name = decodeUtf8(declared.value).toLowerCase();
  const charset = CHARSETS.get(name);
  if (!charset) throw new MalformedCallback(`charset ${JSON.stringify(name.slice(0, 20))} is not supported`);
  return charset;
}

function decodeText(bytes: Uint8Array, charset: string): string {
  return charset === 'utf-8' ? decodeUtf8(bytes) : iconv.decode(Buffer.from(bytes), charset);
}
