import type { AddressInfo } from 'node:net';
import { after, before } from 'node:test';
import type { Knex } from 'knex';
import pino from 'pino';
import type { Clock } from '../../src/application/ports/clock.ts';
import type { PaymentSettings } from '../../src/application/ports/payment-settings.ts';
import type { SignType } from '../../src/application/ports/signature-verifier.ts';
import { buildApp } from '../../src/bootstrap/build-app.ts';
import type { ReviewReason } from '../../src/domain/errors.ts';
import { Money } from '../../src/domain/money.ts';
import type { OperatorRole } from '../../src/domain/operator.ts';
import { OrderStatus, PayMethod } from '../../src/domain/order-status.ts';
import type { PaymentSnapshot } from '../../src/domain/payment.ts';
import { parseAlipayPublicKey } from '../../src/infrastructure/alipay/public-key.ts';
import { InMemoryStore } from '../../src/infrastructure/in-memory/in-memory-store.ts';
import { ScryptPasswords } from '../../src/infrastructure/scrypt-passwords.ts';
import { createHttpServer } from '../../src/interfaces/http/http-server.ts';
import { APP_ID, SELLER_ID } from './alipay-signer.ts';
import { steadyClock, TEST_NOW } from './clock.ts';
import type { TestDatabase } from './databases.ts';

export { appKeys } from './app-keys.ts';

import { appPrivateKey } from './app-keys.ts';

export const TEST_GATEWAY = 'https://openapi.alipay.com/gateway.do';

export const ADMIN = { user: 'admin', password: 'test-admin-secret' };
/** Meiduo's front end, as production has it: the test app mounts no demo shop. */
export const TEST_SHOP_URL = 'https://www.meiduo.example';

export interface RunningApp {
  readonly url: string;
  get(pathAndQuery: string): Promise<{ status: number; body: string; headers: Headers }>;
  post(path: string, body: string | Uint8Array, contentType?: string): Promise<{ status: number; body: string; headers: Headers }>;
  close(): Promise<void>;
}

/** The real Koa app, wired by the real container, on an ephemeral port, over a database or in memory. */
export async function startTestApp(options: {
  knex?: Knex;
  /** Every store in memory instead of `knex`: for tests of what HTTP maps to, not of SQL. */
  memory?: InMemoryStore;
  alipayPublicKeyPem: string;
  signType?: SignType;
  settings?: Partial<PaymentSettings>;
  rejections?: { maxRows: number; maxAgeDays: number };
  production?: boolean;
  trustedProxies?: readonly string[];
  /** Defaults to a clock that starts at TEST_NOW and runs on. */
  clock?: Clock;
  /** Where alipay.trade.query and the bill URL query go: a FakeAlipayGateway's url; Alipay's address (never called) by default. */
  openApiGatewayUrl?: string;
  /** RECONCILE_AT in minutes after Beijing midnight; off by default. */
  reconcileAtMinutes?: number;
}): Promise<RunningApp> {
  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { app } = buildApp({
    ...(options.memory ? { memory: options.memory } : { knex: options.knex! }),
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }, pino.destination({ dest: process.env.TEST_LOG_FILE ?? 2, sync: true })),
    alipayPublicKey: parseAlipayPublicKey(options.alipayPublicKeyPem),
    signType: options.signType ?? 'RSA2',
    settings: { appId: APP_ID, sellerId: SELLER_ID, statusAfterPayment: OrderStatus.UNCOMMENT, ...options.settings },
    appPrivateKey,
    pay: {
      appId: APP_ID,
      gatewayUrl: TEST_GATEWAY,
      returnUrl: `${url}/payment/status/`,
      notifyUrl: `${url}/payment/notify/`,
      quitUrl: `${TEST_SHOP_URL}/user_center_order.html`,
      payTimeoutMs: 30 * 60_000,
    },
    openApi: { appId: APP_ID, gatewayUrl: options.openApiGatewayUrl ?? TEST_GATEWAY, timeoutMs: 2_000 },
    reconcileAtMinutes: options.reconcileAtMinutes,
    admin: ADMIN,
    rejections: options.rejections ?? { maxRows: 1_000, maxAgeDays: 90 },
    shopUrl: TEST_SHOP_URL,
    production: options.production,
    trustedProxies: options.trustedProxies,
    clock: options.clock ?? steadyClock(),
  });
  server.on('request', app.callback());
  const answer = async (response: Response) => ({ status: response.status, body: await response.text(), headers: response.headers });
  return {
    url,
    get: async (pathAndQuery) => answer(await fetch(url + pathAndQuery)),
    post: async (path, body, contentType = 'application/x-www-form-urlencoded; text/html; charset=UTF-8') =>
      answer(await fetch(url + path, { method: 'POST', body: body as BodyInit, headers: { 'Content-Type': contentType } })),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

/** Opens a database and starts the app before a suite's tests, and closes both after them. */
export function appForSuite(
  harness: { open(): Promise<{ knex: Knex; close(): Promise<void> }> },
  options: Omit<Parameters<typeof startTestApp>[0], 'knex'>,
): { readonly db: TestDatabase; readonly app: RunningApp } {
  const suite = {} as { db: TestDatabase; app: RunningApp };
  before(async () => {
    suite.db = (await harness.open()) as TestDatabase;
    suite.app = await startTestApp({ ...options, knex: suite.db.knex });
  });
  after(async () => {
    await suite.app?.close();
    await suite.db?.close();
  });
  return suite;
}

/** Starts the app over in-memory stores before a suite's tests, and closes it after them. */
export function memoryAppForSuite(options: Omit<Parameters<typeof startTestApp>[0], 'knex' | 'memory'>): {
  readonly tables: MemoryTables;
  readonly app: RunningApp;
} {
  const suite = { tables: new MemoryTables() } as { tables: MemoryTables; app: RunningApp };
  before(async () => {
    suite.app = await startTestApp({ ...options, memory: suite.tables.store });
  });
  after(() => suite.app?.close());
  return suite;
}

/** Inserts an order with Meiduo's own columns only, as Meiduo's order view would. */
export async function seedOrder(
  knex: Knex,
  orderId: string,
  totalAmount: string,
  status: number = OrderStatus.UNPAID,
  payMethod: number = PayMethod.ALIPAY,
  placedAt: Date = TEST_NOW,
): Promise<void> {
  await knex('tb_order_info').insert({
    order_id: orderId,
    user_id: 1,
    address_id: 1,
    total_count: 1,
    total_amount: totalAmount,
    freight: '10.00',
    pay_method: payMethod,
    status,
    create_time: placedAt,
    update_time: placedAt,
  });
}

/** An app's in-memory tables, read and set as the helpers above do a database's. */
export class MemoryTables {
  readonly store = new InMemoryStore();

  /** An UNPAID Alipay order by default, as seedOrder inserts one. */
  seedOrder(orderId: string, totalAmount: string, status: OrderStatus = OrderStatus.UNPAID, payMethod: PayMethod = PayMethod.ALIPAY): void {
    this.store.orders.set(orderId, { id: orderId, total: Money.parse(totalAmount), payMethod, status, updatedAt: TEST_NOW });
    this.store.orderPlacedAt.set(orderId, TEST_NOW);
  }

  /** A payment as the notify records it: applied to its order, or kept for review with `reviewReason`. */
  seedPayment(orderId: string, tradeNo: string, amount: string, reviewReason: ReviewReason | null = null): void {
    this.store.payments.set(tradeNo, {
      orderId,
      tradeNo,
      amount: Money.parse(amount),
      source: 'notify',
      receivedAt: TEST_NOW,
      reviewReason,
    });
  }

  /** The payments of an order, in the order they were recorded. */
  payments(orderId: string): PaymentSnapshot[] {
    return [...this.store.payments.values()].filter((payment) => payment.orderId === orderId);
  }

  orderStatus(orderId: string): OrderStatus | undefined {
    return this.store.orders.get(orderId)?.status;
  }

  /** An enabled account, as `npm run admin -- add` keeps it. */
  async addOperator(name: string, role: OperatorRole, password: string): Promise<void> {
    const passwordHash = await new ScryptPasswords().hash(password);
    this.store.operatorAccounts.set(name, { name, role, passwordHash, createdAt: TEST_NOW, disabledAt: null });
  }

  empty(): void {
    for (const table of [this.store.orders, this.store.payments, this.store.orderPlacedAt, this.store.queries, this.store.resolutions])
      table.clear();
    this.store.adminActions.length = 0;
  }
}

export async function paymentRows(knex: Knex, orderId: string): Promise<Array<Record<string, unknown>>> {
  return knex('tb_payment').where({ order_id: orderId }).orderBy('id').select('trade_id', 'amount', 'source', 'state', 'review_reason');
}

export async function orderStatus(knex: Knex, orderId: string): Promise<number> {
  const row = await knex('tb_order_info').where({ order_id: orderId }).first('status');
  return Number(row.status);
}
