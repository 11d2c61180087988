import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import forge from 'node-forge';
import pino from 'pino';
import { ConfirmAlipayPayment } from '../../src/application/confirm-alipay-payment.ts';
import { PlaceOrder } from '../../src/application/place-order.ts';
import { ReceiveAlipayCallback } from '../../src/application/receive-alipay-callback.ts';
import { StartAlipayPayment } from '../../src/application/start-alipay-payment.ts';
import { TOKENS } from '../../src/application/tokens.ts';
import { buildContainer } from '../../src/container.ts';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { parseAlipayPublicKey } from '../../src/infrastructure/alipay/public-key.ts';
import { openDatabase } from '../../src/infrastructure/persistence/database.ts';
import { AdminController } from '../../src/interfaces/http/admin-controller.ts';
import { HealthController } from '../../src/interfaces/http/health-controller.ts';
import { PaymentController } from '../../src/interfaces/http/payment-controller.ts';
import { createTestAlipay } from '../support/alipay-signer.ts';

describe('the composition root', () => {
  const database = openDatabase({ kind: 'pglite', dataDir: null });
  after(() => database.close());

  it('resolves every port and controller', () => {
    const container = buildContainer({
      knex: database.knex,
      logger: pino({ level: 'silent' }),
      alipayPublicKey: parseAlipayPublicKey(createTestAlipay().publicKeyPem),
      signType: 'RSA2',
      settings: { appId: '1', sellerId: null, statusAfterPayment: OrderStatus.UNCOMMENT },
      appPrivateKey: forge.pki.rsa.generateKeyPair({ bits: 512 }).privateKey,
      pagePay: {
        appId: '1',
        gatewayUrl: 'https://gateway.example',
        returnUrl: 'https://shop.example/r',
        notifyUrl: 'https://shop.example/n',
      },
      admin: { user: 'admin', password: 'x' },
      rejections: { maxRows: 10, maxAgeDays: 1 },
    });
    for (const token of Object.values(TOKENS)) assert.ok(container.get(token), token.toString());
    assert.ok(container.get(ConfirmAlipayPayment) instanceof ConfirmAlipayPayment);
    assert.ok(container.get(PaymentController) instanceof PaymentController);
    assert.ok(container.get(HealthController) instanceof HealthController);
    assert.ok(container.get(StartAlipayPayment) instanceof StartAlipayPayment);
    assert.ok(container.get(PlaceOrder) instanceof PlaceOrder);
    assert.ok(container.get(ReceiveAlipayCallback) instanceof ReceiveAlipayCallback);
    assert.ok(container.get(AdminController) instanceof AdminController);
    assert.equal(container.get(PaymentController), container.get(PaymentController));
  });
});
