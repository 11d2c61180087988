import type { Knex } from 'knex';
import forge from 'node-forge';
import pino from 'pino';
import type { Wiring, WiringSettings } from '../../src/bootstrap/container.ts';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { parseAlipayPublicKey } from '../../src/infrastructure/alipay/public-key.ts';
import { createTestAlipay } from './alipay-signer.ts';

/** A complete wiring for the composition root on `knex`: a silent logger, throwaway keys, settings that name nothing real. */
export function testWiring(knex: Knex, overrides: Partial<WiringSettings> = {}): Wiring {
  return {
    knex,
    logger: pino({ level: 'silent' }),
    alipayPublicKey: parseAlipayPublicKey(createTestAlipay().publicKeyPem),
    signType: 'RSA2',
    settings: { appId: '1', sellerId: null, statusAfterPayment: OrderStatus.UNCOMMENT },
    appPrivateKey: forge.pki.rsa.generateKeyPair({ bits: 512 }).privateKey,
    pay: {
      appId: '1',
      gatewayUrl: 'https://gateway.example',
      returnUrl: 'https://shop.example/r',
      notifyUrl: 'https://shop.example/n',
      quitUrl: 'https://shop.example/user_center_order.html',
      payTimeoutMs: 1_800_000,
    },
    openApi: { appId: '1', gatewayUrl: 'https://gateway.example', timeoutMs: 1_000 },
    admin: { user: 'admin', password: 'x' },
    rejections: { maxRows: 10, maxAgeDays: 1 },
    ...overrides,
  };
}
