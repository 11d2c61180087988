import { generateKeyPairSync } from 'node:crypto';
import { ConfirmAlipayPayment } from '../../src/application/confirm-alipay-payment.ts';
import type { Clock } from '../../src/application/ports/clock.ts';
import type { PaymentRepository } from '../../src/application/ports/payment-repository.ts';
import type { PaymentSettings } from '../../src/application/ports/payment-settings.ts';
import type { SignType } from '../../src/application/ports/signature-verifier.ts';
import { SettleRefundNotify } from '../../src/application/settle-refund-notify.ts';
import { ForgeSignatureVerifier } from '../../src/infrastructure/alipay/forge-signature-verifier.ts';
import { FormCallbackParser } from '../../src/infrastructure/alipay/form-callback-parser.ts';
import { parseAlipayPublicKey } from '../../src/infrastructure/alipay/public-key.ts';
import { AlipaySignatureDoctor } from '../../src/infrastructure/alipay/signature-doctor.ts';
import { InMemoryRefundStore } from '../../src/infrastructure/in-memory/in-memory-refund-store.ts';
import type { InMemoryStore } from '../../src/infrastructure/in-memory/in-memory-store.ts';

/** Our app's public key for use-case tests: made once at run time, never Alipay's. */
export const testAppPublicKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();

/** ConfirmAlipayPayment on the real Alipay adapters (verifier, parser, signature doctor) and the given repository. */
export function confirmAlipayPayment(options: {
  alipayPublicKeyPem: string;
  payments: PaymentRepository;
  settings: PaymentSettings;
  clock: Clock;
  signType?: SignType;
  appPublicKeyPem?: string;
}): ConfirmAlipayPayment {
  const alipayKey = parseAlipayPublicKey(options.alipayPublicKeyPem);
  const verifier = new ForgeSignatureVerifier(alipayKey, options.signType ?? 'RSA2');
  const doctor = new AlipaySignatureDoctor(verifier, new FormCallbackParser(), alipayKey, options.appPublicKeyPem ?? testAppPublicKeyPem);
  return new ConfirmAlipayPayment(verifier, options.settings, options.clock, options.payments, doctor);
}

/** What ReceiveAlipayCallback does with a verified refund notify, on the in-memory tables. */
export function settleRefundNotify(store: InMemoryStore, clock: Clock): SettleRefundNotify {
  return new SettleRefundNotify(new InMemoryRefundStore(store), clock);
}
