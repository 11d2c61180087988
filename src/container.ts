import 'reflect-metadata';
import { Container } from 'inversify';
import type { Knex } from 'knex';
import type Koa from 'koa';
import type forge from 'node-forge';
import type { Logger } from 'pino';
import { ConfirmAlipayPayment } from './application/confirm-alipay-payment.ts';
import { PlaceOrder } from './application/place-order.ts';
import { StartAlipayPayment } from './application/start-alipay-payment.ts';
import type { AlipayCallbackParser } from './application/ports/alipay-callback-parser.ts';
import type { Clock } from './application/ports/clock.ts';
import type { DatabaseHealth } from './application/ports/database-health.ts';
import type { OrderRepository } from './application/ports/order-repository.ts';
import type { PaymentGateway } from './application/ports/payment-gateway.ts';
import type { PaymentRepository } from './application/ports/payment-repository.ts';
import type { PaymentSettings } from './application/ports/payment-settings.ts';
import type { SignatureVerifier, SignType } from './application/ports/signature-verifier.ts';
import type { UnitOfWork } from './application/ports/unit-of-work.ts';
import { TOKENS } from './application/tokens.ts';
import { AlipayPagePayGateway, type PagePaySettings } from './infrastructure/alipay/alipay-page-pay-gateway.ts';
import { FormCallbackParser } from './infrastructure/alipay/form-callback-parser.ts';
import { ForgeSignatureVerifier } from './infrastructure/alipay/forge-signature-verifier.ts';
import type { AlipayPublicKey } from './infrastructure/alipay/public-key.ts';
import { KnexDatabaseHealth } from './infrastructure/persistence/knex-database-health.ts';
import { KnexUnitOfWork } from './infrastructure/persistence/knex-unit-of-work.ts';
import { ObjectionOrderRepository } from './infrastructure/persistence/objection-order-repository.ts';
import { ObjectionPaymentRepository } from './infrastructure/persistence/objection-payment-repository.ts';
import { SystemClock } from './infrastructure/system-clock.ts';
import { INFRA } from './infrastructure/tokens.ts';
import { createApp } from './interfaces/http/app.ts';
import { HealthController } from './interfaces/http/health-controller.ts';
import { PaymentController } from './interfaces/http/payment-controller.ts';
import { DemoShop } from './sandbox/demo-shop.ts';
import { SandboxAlipay, type SandboxSettings } from './sandbox/sandbox-alipay.ts';

export interface Wiring {
  readonly knex: Knex;
  readonly logger: Logger;
  readonly alipayPublicKey: AlipayPublicKey;
  readonly signType: SignType;
  readonly settings: PaymentSettings;
  readonly appPrivateKey: forge.pki.rsa.PrivateKey;
  readonly pagePay: PagePaySettings;
  /** Development only: mounts the local Alipay and the demo shop. */
  readonly sandbox?: SandboxSettings;
}

export interface BuiltApp {
  readonly app: Koa;
  readonly sandbox?: SandboxAlipay;
  readonly demoShop?: DemoShop;
}

/** The composition root: the only place that binds ports to adapters. */
export function buildContainer(wiring: Wiring): Container {
  const c = new Container();
  c.bind(INFRA.Knex).toConstantValue(wiring.knex);
  c.bind(INFRA.AlipayPublicKey).toConstantValue(wiring.alipayPublicKey);
  c.bind(INFRA.SignType).toConstantValue(wiring.signType);
  c.bind(INFRA.AppPrivateKey).toConstantValue(wiring.appPrivateKey);
  c.bind(INFRA.PagePaySettings).toConstantValue(wiring.pagePay);
  c.bind<PaymentSettings>(TOKENS.PaymentSettings).toConstantValue(wiring.settings);

  c.bind<SignatureVerifier>(TOKENS.SignatureVerifier).to(ForgeSignatureVerifier).inSingletonScope();
  c.bind<AlipayCallbackParser>(TOKENS.AlipayCallbackParser).to(FormCallbackParser).inSingletonScope();
  c.bind<OrderRepository>(TOKENS.OrderRepository).to(ObjectionOrderRepository).inSingletonScope();
  c.bind<PaymentRepository>(TOKENS.PaymentRepository).to(ObjectionPaymentRepository).inSingletonScope();
  c.bind<UnitOfWork>(TOKENS.UnitOfWork).to(KnexUnitOfWork).inSingletonScope();
  c.bind<DatabaseHealth>(TOKENS.DatabaseHealth).to(KnexDatabaseHealth).inSingletonScope();
  c.bind<PaymentGateway>(TOKENS.PaymentGateway).to(AlipayPagePayGateway).inSingletonScope();
  c.bind<Clock>(TOKENS.Clock).to(SystemClock).inSingletonScope();

  c.bind(ConfirmAlipayPayment).toSelf().inSingletonScope();
  c.bind(StartAlipayPayment).toSelf().inSingletonScope();
  c.bind(PlaceOrder).toSelf().inSingletonScope();
  c.bind(PaymentController).toSelf().inSingletonScope();
  c.bind(HealthController).toSelf().inSingletonScope();
  return c;
}

/** The Koa app with every controller resolved once; nothing else looks into the container. */
export function buildApp(wiring: Wiring): BuiltApp {
  const container = buildContainer(wiring);
  const controllers = { payment: container.get(PaymentController), health: container.get(HealthController) };
  if (!wiring.sandbox) return { app: createApp(controllers, wiring.logger) };
  const sandbox = new SandboxAlipay(wiring.sandbox);
  const demoShop = new DemoShop(container.get<OrderRepository>(TOKENS.OrderRepository), container.get(PlaceOrder));
  return { app: createApp(controllers, wiring.logger, [sandbox.routes(), demoShop.routes()]), sandbox, demoShop };
}
