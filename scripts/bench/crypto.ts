// `npm run bench:crypto`: the CPU that signing pay URLs, diagnosing refused signatures and checking operators' passwords cost, per call,
// on the adapters the service runs. No database, no network.
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import forge from 'node-forge';
import { FormCallbackParser } from '../../src/infrastructure/alipay/form-callback-parser.ts';
import { NativeSignatureVerifier } from '../../src/infrastructure/alipay/native-signature-verifier.ts';
import { parseAlipayPublicKey } from '../../src/infrastructure/alipay/public-key.ts';
import { forgeRequestSigner, nativeRequestSigner } from '../../src/infrastructure/alipay/request-signer.ts';
import { AlipaySignatureDoctor } from '../../src/infrastructure/alipay/signature-doctor.ts';
import { ScryptPasswords } from '../../src/infrastructure/scrypt-passwords.ts';

const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();
const [alipay, app, stranger] = [pair(), pair(), pair()];

/** Microseconds per call, after a warm-up. */
function perCall(times: number, run: () => void): number {
  for (let i = 0; i < Math.ceil(times / 10); i++) run();
  const started = performance.now();
  for (let i = 0; i < times; i++) run();
  return ((performance.now() - started) / times) * 1000;
}

const appKey = forge.pki.privateKeyFromPem(app.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()) as forge.pki.rsa.PrivateKey;
const content = 'app_id=2021000000000002&biz_content={"out_trade_no":"20261126153000000000001"}&method=alipay.trade.page.pay';
const native = nativeRequestSigner(appKey);
const forged = forgeRequestSigner(appKey);

const alipayKey = parseAlipayPublicKey(pem(alipay.publicKey));
const verifier = new NativeSignatureVerifier(alipayKey, 'RSA2');
const parser = new FormCallbackParser();
const doctor = new AlipaySignatureDoctor(verifier, parser, alipayKey, pem(app.publicKey));
const params = {
  app_id: '2021000000000002',
  out_trade_no: '1',
  trade_no: '2',
  total_amount: '88.80',
  notify_type: 'trade_status_sync',
  passback_params: '',
};
const text = Object.entries(params)
  .filter(([, v]) => v !== '')
  .sort()
  .map(([k, v]) => `${k}=${v}`)
  .join('&');
const forgery = parser.parse(
  new TextEncoder().encode(
    new URLSearchParams({
      ...params,
      sign_type: 'RSA2',
      sign: sign('sha256', Buffer.from(text), stranger.privateKey).toString('base64'),
    }).toString(),
  ),
);

const rows: Array<[string, number]> = [
  ['pay URL signature, node:crypto (SIGNATURE_VERIFIER=native)', perCall(2_000, () => native.sign(content))],
  ['pay URL signature, node-forge (SIGNATURE_VERIFIER=forge)', perCall(30, () => forged.sign(content))],
  ['one RSA2 verification, node:crypto', perCall(5_000, () => verifier.verify(forgery.signedContents[0]!, forgery.sign))],
  [
    'signature doctor on a forged notify (sign_type and an empty value: every check applies)',
    perCall(2_000, () => doctor.diagnose(forgery)),
  ],
  ['an operator password check, scrypt N=2^15 (a wrong password: never remembered)', await scryptCheck()],
];

/** Microseconds per wrong-password check, the cost every sign-in guess pays. */
async function scryptCheck(): Promise<number> {
  const passwords = new ScryptPasswords();
  const hash = await passwords.hash('an operator password');
  await passwords.verify('warm-up', hash);
  const started = performance.now();
  for (let i = 0; i < 10; i++) await passwords.verify(`guess ${i}`, hash);
  return ((performance.now() - started) / 10) * 1000;
}
console.log('| what | µs per call (one thread, after a warm-up) |');
console.log('|---|---|');
for (const [what, micros] of rows) console.log(`| ${what} | ${Math.round(micros)} |`);
console.log('\nReproduce: npm run bench:crypto');
