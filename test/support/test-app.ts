import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import pino from 'pino';
import type { PaymentSettings } from '../../src/application/ports/payment-settings.ts';
import type { SignType } from '../../src/application/ports/signature-verifier.ts';
import { buildApp } from '../../src/container.ts';
import { OrderStatus, PayMethod } from '../../src/domain/order-status.ts';
import { parseAlipayPublicKey } from '../../src/infrastructure/alipay/public-key.ts';
import { APP_ID, SELLER_ID } from './alipay-signer.ts';

export interface RunningApp {
  readonly url: string;
  get(pathAndQuery: string): Promise<{ status: number; body: string; headers: Headers }>;
  close(): Promise<void>;
}

/** The real Koa app, wired by the real container, on an ephemeral port. */
export async function startTestApp(options: {
  knex: Knex;
  alipayPublicKeyPem: string;
  signType?: SignType;
  settings?: Partial<PaymentSettings>;
}): Promise<RunningApp> {
  const app = buildApp({
    knex: options.knex,
    logger: pino({ level: 'silent' }),
    alipayPublicKey: parseAlipayPublicKey(options.alipayPublicKeyPem),
    signType: options.signType ?? 'RSA2',
    settings: { appId: APP_ID, sellerId: SELLER_ID, statusAfterPayment: OrderStatus.UNCOMMENT, ...options.settings },
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    async get(pathAndQuery) {
      const response = await fetch(url + pathAndQuery);
      return { status: response.status, body: await response.text(), headers: response.headers };
    },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections?.();
    }),
  };
}

/** Inserts an order with Meiduo's own columns only, as Meiduo's order view would. */
export async function seedOrder(knex: Knex, orderId: string, totalAmount: string, status: number = OrderStatus.UNPAID): Promise<void> {
  await knex('tb_order_info').insert({
    order_id: orderId, user_id: 1, address_id: 1, total_count: 1, total_amount: totalAmount, freight: '10.00',
    pay_method: PayMethod.ALIPAY, status, create_time: new Date(), update_time: new Date(),
  });
}

export async function paymentRows(knex: Knex, orderId: string): Promise<Array<Record<string, unknown>>> {
  return knex('tb_payment').where({ order_id: orderId }).select('trade_id', 'amount', 'source', 'state', 'review_reason');
}

export async function orderStatus(knex: Knex, orderId: string): Promise<number> {
  const row = await knex('tb_order_info').where({ order_id: orderId }).first('status');
  return Number(row.status);
}
