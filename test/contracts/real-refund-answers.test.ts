import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { SignatureVerifier, SignType } from '../../src/application/ports/signature-verifier.ts';
import { meaningOfRefundAnswer, meaningOfRefundQuery, type RefundCallMeaning } from '../../src/domain/refund.ts';
import { AlipayRefundGateway } from '../../src/infrastructure/alipay/alipay-refund-gateway.ts';
import { ForgeSignatureVerifier } from '../../src/infrastructure/alipay/forge-signature-verifier.ts';
import { NativeSignatureVerifier } from '../../src/infrastructure/alipay/native-signature-verifier.ts';
import { parseAlipayPublicKey } from '../../src/infrastructure/alipay/public-key.ts';
import { nativeRequestSigner } from '../../src/infrastructure/alipay/request-signer.ts';
import { readEnvelope } from '../../src/infrastructure/alipay/response-envelope.ts';
import { appPrivateKey, appPublicKeyPem } from '../support/app-keys.ts';
import { fixedClock } from '../support/clock.ts';
import { FakeAlipayGateway } from '../support/fake-alipay-gateway.ts';

// Refund and refund-query answers signed by Alipay's own servers, with the Alipay public keys (or
// certificate) that verify them: test/fixtures/alipay-real/README.md says where each comes from.
const dir = new URL('../fixtures/alipay-real/', import.meta.url);
const bytesOf = (name: string) => new Uint8Array(readFileSync(new URL(name, dir)));
const textOf = (name: string) => readFileSync(new URL(name, dir), 'utf8');

const REFUND = 'alipay_trade_refund_response';
const QUERY = 'alipay_trade_fastpay_refund_query_response';

interface RealAnswer {
  readonly file: string;
  readonly what: string;
  readonly key: string;
  readonly signType: SignType;
  readonly fields: Record<string, string>;
}
interface RealRefundAnswer extends RealAnswer {
  readonly meaning: RefundCallMeaning;
}
interface RealQueryAnswer extends RealAnswer {
  readonly meaning: ReturnType<typeof meaningOfRefundQuery>;
  /** Set for the older gateway's answers, which named a refund found by its data alone, without refund_status. */
  readonly legacy?: string;
}

const REFUND_ANSWERS: RealRefundAnswer[] = [
  {
    file: 'refund-2016091600523436.json',
    what: 'money moved (fund_change Y), RSA (SHA1) with a 1024-bit key',
    key: 'alipay-public-key-2016091600523436.pem',
    signType: 'RSA',
    fields: { code: '10000', fund_change: 'Y', refund_fee: '0.10', send_back_fee: '0.00', trade_no: '2016091721001004360200059782' },
    meaning: { kind: 'refunded' },
  },
  {
    file: 'refund-9021000122682882.json',
    what: 'money moved (fund_change Y), RSA2 in certificate mode',
    key: 'alipay-public-cert-9021000122682882.crt',
    signType: 'RSA2',
    fields: { code: '10000', fund_change: 'Y', gmt_refund_pay: '2023-12-22 14:19:12', trade_no: '2023122122001499160501586202' },
    meaning: { kind: 'refunded' },
  },
  {
    file: 'refund-2016082700320624.json',
    what: 'a repeat (fund_change N) that still names refund_fee and gmt_refund_pay, RSA2',
    key: 'alipay-public-key-2016082700320624.pem',
    signType: 'RSA2',
    fields: {
      code: '10000',
      fund_change: 'N',
      refund_fee: '1.00',
      refund_detail_item_list: '[{"amount":"1.00","fund_channel":"ALIPAYACCOUNT"}]',
    },
    meaning: { kind: 'unconfirmed' },
  },
  {
    file: 'refund-refused-2017020305502581.json',
    what: 'a refusal (40004 ACQ.TRADE_STATUS_ERROR) with a Chinese sub_msg, RSA2',
    key: 'alipay-public-key-2017020305502581.pem',
    signType: 'RSA2',
    fields: { code: '40004', sub_code: 'ACQ.TRADE_STATUS_ERROR', sub_msg: '交易状态不合法', refund_fee: '0.00' },
    meaning: { kind: 'refused', subCode: 'ACQ.TRADE_STATUS_ERROR', message: '交易状态不合法' },
  },
];

const LEGACY_QUERY = 'Alipay then documented "if the query returns data, the refund succeeded"; answers had no refund_status.';

const QUERY_ANSWERS: RealQueryAnswer[] = [
  {
    file: 'refund-query-9021000122682882.json',
    what: 'refund_status REFUND_SUCCESS, RSA2 in certificate mode',
    key: 'alipay-public-cert-9021000122682882.crt',
    signType: 'RSA2',
    fields: { code: '10000', refund_status: 'REFUND_SUCCESS', refund_amount: '0.01', out_request_no: '1703141270' },
    meaning: 'refunded',
  },
  {
    file: 'refund-query-2016091600523436.json',
    what: 'a 2016 refund found, without refund_status, RSA (SHA1)',
    key: 'alipay-public-key-2016091600523436.pem',
    signType: 'RSA',
    fields: { code: '10000', refund_amount: '0.20', out_request_no: '2016091714150157dcdf6550595' },
    meaning: 'refunded',
    legacy: LEGACY_QUERY,
  },
  {
    file: 'refund-query-2016082700320624.json',
    what: 'a 2019 refund found, without refund_status, RSA2',
    key: 'alipay-public-key-2016082700320624.pem',
    signType: 'RSA2',
    fields: { code: '10000', refund_amount: '1.00', out_request_no: '191018154556136588113' },
    meaning: 'refunded',
    legacy: LEGACY_QUERY,
  },
];

const VERIFIERS: { name: string; create: (pem: string, signType: SignType) => SignatureVerifier }[] = [
  { name: 'node:crypto', create: (pem, signType) => new NativeSignatureVerifier(parseAlipayPublicKey(pem), signType) },
  { name: 'node-forge', create: (pem, signType) => new ForgeSignatureVerifier(parseAlipayPublicKey(pem), signType) },
];

/** The body with the last digit of its code changed (10000 → 10001): one byte, still valid JSON. */
function withCodeChanged(body: Uint8Array): Uint8Array {
  const text = Buffer.from(body).toString('latin1');
  const at = text.indexOf('"code":"') + '"code":"'.length + 4;
  const changed = new Uint8Array(body);
  changed[at] = changed[at] === 0x31 ? 0x32 : 0x31;
  return changed;
}

function describeSignatures(answers: readonly RealAnswer[], responseKey: string): void {
  for (const { file, what, key, signType } of answers) {
    describe(`${file}: ${what}`, () => {
      const body = bytesOf(file);
      for (const { name, create } of VERIFIERS) {
        const verifier = create(textOf(key), signType);

        it(`verifies over the response object's exact bytes (${name})`, () => {
          const envelope = readEnvelope(body, responseKey);
          assert.ok(typeof envelope !== 'string', String(envelope));
          assert.equal(verifier.verify(envelope.signedBytes, envelope.sign), true);
        });

        it(`fails once one byte of the response object changes (${name})`, () => {
          const envelope = readEnvelope(withCodeChanged(body), responseKey);
          assert.ok(typeof envelope !== 'string', String(envelope));
          assert.notDeepEqual(envelope.signedBytes, readEnvelopeOrThrow(body, responseKey).signedBytes);
          assert.equal(verifier.verify(envelope.signedBytes, envelope.sign), false);
        });
      }
    });
  }
}

function readEnvelopeOrThrow(body: Uint8Array, responseKey: string) {
  const envelope = readEnvelope(body, responseKey);
  if (typeof envelope === 'string') throw new Error(envelope);
  return envelope;
}

describe("real refund answers signed by Alipay's servers", () => {
  describe('alipay.trade.refund', () => describeSignatures(REFUND_ANSWERS, REFUND));
  describe('alipay.trade.fastpay.refund.query', () => describeSignatures(QUERY_ANSWERS, QUERY));

  it('verify under their own key only: every other key refuses every answer', () => {
    const answers = [
      ...REFUND_ANSWERS.map((a) => ({ ...a, responseKey: REFUND })),
      ...QUERY_ANSWERS.map((a) => ({ ...a, responseKey: QUERY })),
    ];
    const keys = [...new Set(answers.map(({ key }) => key))];
    for (const answer of answers) {
      const { signedBytes, sign } = readEnvelopeOrThrow(bytesOf(answer.file), answer.responseKey);
      for (const key of keys) {
        const verifier = new NativeSignatureVerifier(parseAlipayPublicKey(textOf(key)), answer.signType);
        assert.equal(verifier.verify(signedBytes, sign), key === answer.key, `${answer.file} under ${key}`);
      }
    }
  });

  it('the certificate is read in certificate mode, with the SN Alipay would send as alipay_cert_sn', () => {
    const key = parseAlipayPublicKey(textOf('alipay-public-cert-9021000122682882.crt'));
    assert.ok(key.certificate);
    assert.match(key.certificateSn ?? '', /^[0-9a-f]{32}$/);
  });
});

describe('what our refund gateway and domain make of them, answered by a local gateway', () => {
  let fake: FakeAlipayGateway;
  let answerWith = '';
  const refundCall = { orderId: 'O1', tradeNo: 'T1', outRequestNo: 'RF1', amount: '0.01', reason: '测试' };

  before(async () => {
    // The fake only serves the fixtures' bytes; its own Alipay key signs nothing here.
    fake = await FakeAlipayGateway.start(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, appPublicKeyPem);
    fake.answer = () => ({ body: textOf(answerWith) });
  });
  after(() => fake.close());

  const gatewayFor = (signType: SignType) =>
    new AlipayRefundGateway(
      nativeRequestSigner(appPrivateKey, signType),
      { appId: '2021000000000000', gatewayUrl: fake.url, timeoutMs: 5_000 },
      fixedClock(),
    );

  for (const { file, key, signType, fields, meaning } of REFUND_ANSWERS) {
    it(`${file}: ${meaning.kind}`, async () => {
      answerWith = file;
      const answer = await gatewayFor(signType).refund(refundCall);
      assert.deepEqual(answer.raw, bytesOf(file));
      assert.equal(
        new NativeSignatureVerifier(parseAlipayPublicKey(textOf(key)), signType).verify(answer.signedContents[0]!, answer.sign),
        true,
      );
      for (const [name, value] of Object.entries(fields)) assert.equal(answer.fields.get(name), value, name);
      const read = meaningOfRefundAnswer({
        code: answer.fields.get('code') ?? '',
        subCode: answer.fields.get('sub_code') ?? '',
        subMsg: answer.fields.get('sub_msg') ?? '',
        fundChange: answer.fields.get('fund_change') ?? '',
      });
      assert.deepEqual(read, meaning);
    });
  }

  for (const { file, key, signType, fields, meaning, legacy } of QUERY_ANSWERS) {
    it(`${file}: ${meaning}${legacy ? ' (the older gateway: no refund_status)' : ''}`, async () => {
      answerWith = file;
      const answer = await gatewayFor(signType).ask(refundCall);
      assert.equal(
        new NativeSignatureVerifier(parseAlipayPublicKey(textOf(key)), signType).verify(answer.signedContents[0]!, answer.sign),
        true,
      );
      for (const [name, value] of Object.entries(fields)) assert.equal(answer.fields.get(name), value, name);
      assert.equal(answer.fields.has('refund_status'), legacy === undefined);
      assert.equal(
        meaningOfRefundQuery({
          code: answer.fields.get('code') ?? '',
          refundStatus: answer.fields.get('refund_status') ?? '',
          refundAmount: answer.fields.get('refund_amount') ?? '',
        }),
        meaning,
      );
    });
  }
});
