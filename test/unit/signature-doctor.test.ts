import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { AlipayMessage } from '../../src/application/ports/alipay-message.ts';
import { FormCallbackParser } from '../../src/infrastructure/alipay/form-callback-parser.ts';
import { NativeSignatureVerifier } from '../../src/infrastructure/alipay/native-signature-verifier.ts';
import { parseAlipayPublicKey } from '../../src/infrastructure/alipay/public-key.ts';
import { AlipaySignatureDoctor } from '../../src/infrastructure/alipay/signature-doctor.ts';
import { notifyParams } from '../support/alipay-signer.ts';

const alipay = generateKeyPairSync('rsa', { modulusLength: 2048 });
const app = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();
const parser = new FormCallbackParser();
const alipayKey = parseAlipayPublicKey(pem(alipay.publicKey));
const verifier = new NativeSignatureVerifier(alipayKey, 'RSA2');
const doctor = new AlipaySignatureDoctor(verifier, parser, alipayKey, pem(app.publicKey));

interface Signing {
  key?: KeyObject;
  hash?: 'sha256' | 'sha1';
  /** Sign with sign_type inside the signed text. */
  signTypeSigned?: boolean;
  /** Sign with empty values kept as `key=`. */
  emptySigned?: boolean;
}

/** Signs like Alipay, or like the ways Alipay's signature gets misapplied; an independent node:crypto signer. */
function signed(
  params: Record<string, string>,
  { key = alipay.privateKey, hash = 'sha256', signTypeSigned, emptySigned }: Signing = {},
): Record<string, string> {
  const all: Record<string, string> = { ...params, sign_type: 'RSA2' };
  const content = Object.keys(all)
    .filter((k) => k !== 'sign' && (signTypeSigned || k !== 'sign_type') && (emptySigned || all[k] !== ''))
    .sort()
    .map((k) => `${k}=${all[k]}`)
    .join('&');
  return { ...all, sign: sign(hash, Buffer.from(content, 'utf8'), key).toString('base64') };
}

const query = (params: Record<string, string>) => new URLSearchParams(params).toString();
const parse = (raw: string) => parser.parse(new TextEncoder().encode(raw));
const fieldsOf = (callback: AlipayMessage) => Object.fromEntries([...callback.fields].filter(([k]) => k !== 'sign' && k !== 'sign_type'));
const base = notifyParams('20261126153000000000009', '88.80', 'TRADE_SUCCESS', '2026112622001400000000000009');

/** A sign whose base64 holds a '+', as nearly all do: the damage needs one to show. */
function withPlus(params: Record<string, string>): Record<string, string> {
  for (let i = 0; ; i++) {
    const message = signed({ ...params, notify_id: `${params.notify_id}${i}` });
    if (message.sign!.includes('+')) return message;
  }
}

describe('the signature doctor', () => {
  it('repairs a sign whose + became a space, keeping the fields', () => {
    const message = withPlus(base);
    const damaged = query(message).replace(/sign=[^&]*/, `sign=${message.sign!.replaceAll('+', '%20')}`);
    const { diagnosis, repaired } = doctor.diagnose(parse(damaged));
    assert.equal(diagnosis, 'plus_became_space');
    assert.equal(repaired?.sign, message.sign);
    assert.deepEqual(fieldsOf(repaired!), fieldsOf(parse(query(message))));
  });

  it('repairs a certificate-mode message whose alipay_cert_sn Alipay left unsigned', () => {
    const message = withPlus(base);
    const damaged = `${query(message).replace(/sign=[^&]*/, `sign=${message.sign!.replaceAll('+', '%20')}`)}&alipay_cert_sn=6d3b7e8c`;
    const { diagnosis, repaired } = doctor.diagnose(parse(damaged));
    assert.equal(diagnosis, 'plus_became_space');
    assert.equal(repaired?.fields.get('alipay_cert_sn'), '6d3b7e8c');
  });

  it('repairs HTML-escaped values, and takes the fields as Alipay signed them', () => {
    const message = signed(base);
    const damaged = query({ ...message, fund_bill_list: message.fund_bill_list!.replaceAll('"', '&quot;') });
    const { diagnosis, repaired } = doctor.diagnose(parse(damaged));
    assert.equal(diagnosis, 'html_escaped');
    assert.equal(repaired?.fields.get('fund_bill_list'), base.fund_bill_list);
    assert.deepEqual(fieldsOf(repaired!), fieldsOf(parse(query(message))));
  });

  it('repairs a message signed with sign_type in the signed text', () => {
    const { diagnosis, repaired } = doctor.diagnose(parse(query(signed(base, { signTypeSigned: true }))));
    assert.equal(diagnosis, 'sign_type_signed');
    assert.ok(repaired);
  });

  it('repairs a message signed with its empty values kept', () => {
    const { diagnosis, repaired } = doctor.diagnose(parse(query(signed({ ...base, passback_params: '' }, { emptySigned: true }))));
    assert.equal(diagnosis, 'empty_values_signed');
    assert.equal(repaired?.fields.get('passback_params'), '');
  });

  for (const [diagnosis, signing] of [
    ['signed_by_app_key', { key: app.privateKey }],
    ['other_sign_type', { hash: 'sha1' }],
    ['unknown_key', { key: stranger.privateKey }],
  ] as const) {
    it(`names ${diagnosis} and never accepts it`, () => {
      const result = doctor.diagnose(parse(query(signed(base, signing))));
      assert.deepEqual(result, { diagnosis });
    });
  }

  it('never accepts a repair under an algorithm the message did not claim as ours', () => {
    const message = signed(base, { signTypeSigned: true });
    assert.deepEqual(doctor.diagnose(parse(query({ ...message, sign_type: 'RSA' }))), { diagnosis: 'unknown_key' });
  });

  it('costs a handful of verifications at most on a forgery, and only the repairs that can apply', () => {
    let verifications = 0;
    const counting = {
      signType: verifier.signType,
      verify(content: Uint8Array, sign: string) {
        verifications++;
        return verifier.verify(content, sign);
      },
    };
    const counted = new AlipaySignatureDoctor(counting, parser, alipayKey, pem(app.publicKey));
    // sign_type and an empty value are present; no space in sign, no HTML entity: two repairs apply.
    const forged = parse(query({ ...signed({ ...base, passback_params: '' }), sign: 'A'.repeat(344) }));
    assert.equal(counted.diagnose(forged).diagnosis, 'unknown_key');
    assert.equal(verifications, 2);
  });
});

describe('for random authentic messages and any single damage', () => {
  const DAMAGES = [
    'plus_became_space',
    'html_escaped',
    'sign_type_signed',
    'empty_values_signed',
    'signed_by_app_key',
    'other_sign_type',
  ] as const;
  const value = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('"quoted"', 'a<b>c', "it's", '', '[{"a":"1"}]', '{"ref":"a=b"}'));
  const extra = fc.dictionary(fc.stringMatching(/^x_[a-z]{1,6}$/), value, { maxKeys: 4 });

  it('is either repaired, with exactly the fields Alipay signed, or refused: never a payment with altered fields', () => {
    fc.assert(
      fc.property(extra, fc.constantFrom(...DAMAGES), (extras, damage) => {
        const params = { ...base, ...extras };
        const original =
          damage === 'plus_became_space'
            ? withPlus(params)
            : signed(params, {
                signTypeSigned: damage === 'sign_type_signed',
                emptySigned: damage === 'empty_values_signed',
                key: damage === 'signed_by_app_key' ? app.privateKey : alipay.privateKey,
                hash: damage === 'other_sign_type' ? 'sha1' : 'sha256',
              });
        let sent: Record<string, string> = original;
        if (damage === 'plus_became_space') sent = { ...original, sign: original.sign!.replaceAll('+', ' ') };
        if (damage === 'html_escaped')
          sent = Object.fromEntries(
            Object.entries(original).map(([k, v]) => [
              k,
              k === 'sign'
                ? v
                : v
                    .replaceAll('&', '&amp;')
                    .replaceAll('"', '&quot;')
                    .replaceAll("'", '&#39;')
                    .replaceAll('<', '&lt;')
                    .replaceAll('>', '&gt;'),
            ]),
          );
        const honest = parse(query(original));
        // Damage must never make an honest message unreadable: the doctor has to get to see it.
        const callback = parse(query(sent));
        const verifies = callback.signedContents.some((content) => verifier.verify(content, callback.sign));
        const accepted = verifies ? callback : doctor.diagnose(callback).repaired;
        // An accepted message whose signed text is ambiguous is refused all the same (ConfirmAlipayPayment).
        if (accepted && accepted.ambiguity === null) assert.deepEqual(fieldsOf(accepted), fieldsOf(honest));
        if (damage === 'html_escaped' && honest.ambiguity === null) assert.ok(accepted && accepted.ambiguity === null, 'repaired');
      }),
      { numRuns: 300 },
    );
  });
});
