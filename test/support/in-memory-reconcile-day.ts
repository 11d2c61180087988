import { AskAlipayAboutOrder } from '../../src/application/ask-alipay-about-order.ts';
import type { Clock } from '../../src/application/ports/clock.ts';
import { ReconcileDay } from '../../src/application/reconcile-day.ts';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { AlipayTradeBillSource } from '../../src/infrastructure/alipay/alipay-trade-bill-source.ts';
import { AlipayTradeQuery } from '../../src/infrastructure/alipay/alipay-trade-query.ts';
import { NativeSignatureVerifier } from '../../src/infrastructure/alipay/native-signature-verifier.ts';
import { parseAlipayPublicKey } from '../../src/infrastructure/alipay/public-key.ts';
import { nativeRequestSigner } from '../../src/infrastructure/alipay/request-signer.ts';
import { InMemoryPaymentEventLog } from '../../src/infrastructure/in-memory/in-memory-payment-event-log.ts';
import { InMemoryPaymentRepository } from '../../src/infrastructure/in-memory/in-memory-payment-repository.ts';
import { InMemoryQueryQueue } from '../../src/infrastructure/in-memory/in-memory-query-queue.ts';
import type { InMemoryReconciliationStore } from '../../src/infrastructure/in-memory/in-memory-reconciliation-store.ts';
import type { InMemoryStore } from '../../src/infrastructure/in-memory/in-memory-store.ts';
import { APP_ID, SELLER_ID } from './alipay-signer.ts';
import { appPrivateKey } from './app-keys.ts';
import { confirmAlipayPayment } from './confirm-payment.ts';

/**
 * ReconcileDay over the in-memory adapters, reading bills from and asking about trades at the gateway of
 * `gatewayUrl` (a FakeAlipayGateway), whose answers `alipayPublicKeyPem` verifies.
 */
export function inMemoryReconcileDay(options: {
  readonly store: InMemoryStore;
  readonly reconciliations: InMemoryReconciliationStore;
  readonly gatewayUrl: string;
  readonly alipayPublicKeyPem: string;
  readonly clock: Clock;
}): ReconcileDay {
  const { store, reconciliations, gatewayUrl, alipayPublicKeyPem, clock } = options;
  const settings = { appId: APP_ID, sellerId: SELLER_ID, statusAfterPayment: OrderStatus.UNCOMMENT } as const;
  const payments = new InMemoryPaymentRepository(store);
  const confirm = confirmAlipayPayment({ alipayPublicKeyPem, payments, settings, clock });
  const openApi = { appId: APP_ID, gatewayUrl, timeoutMs: 2_000 };
  const signer = nativeRequestSigner(appPrivateKey);
  const query = new AlipayTradeQuery(signer, openApi, clock);
  const ask = new AskAlipayAboutOrder(query, confirm, new InMemoryQueryQueue(store), new InMemoryPaymentEventLog(), clock);
  const verifier = new NativeSignatureVerifier(parseAlipayPublicKey(alipayPublicKeyPem), 'RSA2');
  return new ReconcileDay(new AlipayTradeBillSource(signer, openApi, clock, verifier), reconciliations, ask, clock);
}
