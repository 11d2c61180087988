import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import knexFactory from 'knex';
import { AskAlipayAboutOrder } from '../../src/application/ask-alipay-about-order.ts';
import { ClaimDueQueries } from '../../src/application/claim-due-queries.ts';
import { ConfirmAlipayPayment } from '../../src/application/confirm-alipay-payment.ts';
import { ExportPayments } from '../../src/application/export-payments.ts';
import { ExportReconciliationDay } from '../../src/application/export-reconciliation-day.ts';
import { ListPayments } from '../../src/application/list-payments.ts';
import { ListReconciliations } from '../../src/application/list-reconciliations.ts';
import { ListRejections } from '../../src/application/list-rejections.ts';
import { PlaceOrder } from '../../src/application/place-order.ts';
import { ReceiveAlipayCallback } from '../../src/application/receive-alipay-callback.ts';
import { ReconcileDay } from '../../src/application/reconcile-day.ts';
import { ReconcilePastDays } from '../../src/application/reconcile-past-days.ts';
import { ShowOrderTimeline } from '../../src/application/show-order-timeline.ts';
import { ShowReconciliationDay } from '../../src/application/show-reconciliation-day.ts';
import { StartAlipayPayment } from '../../src/application/start-alipay-payment.ts';
import { TOKENS } from '../../src/application/tokens.ts';
import { buildContainer } from '../../src/bootstrap/container.ts';
import { QuerySchedule } from '../../src/domain/query-schedule.ts';
import { AlipayPayGateway } from '../../src/infrastructure/alipay/alipay-pay-gateway.ts';
import { AlipayRefundGateway } from '../../src/infrastructure/alipay/alipay-refund-gateway.ts';
import { AlipayTradeBillSource } from '../../src/infrastructure/alipay/alipay-trade-bill-source.ts';
import { AlipayTradeQuery } from '../../src/infrastructure/alipay/alipay-trade-query.ts';
import { FormCallbackParser } from '../../src/infrastructure/alipay/form-callback-parser.ts';
import { NativeSignatureVerifier } from '../../src/infrastructure/alipay/native-signature-verifier.ts';
import { AlipaySignatureDoctor } from '../../src/infrastructure/alipay/signature-doctor.ts';
import { InMemoryAdminAudit } from '../../src/infrastructure/in-memory/in-memory-admin-audit.ts';
import { InMemoryAdminSessions } from '../../src/infrastructure/in-memory/in-memory-admin-sessions.ts';
import { InMemoryDailyClaims } from '../../src/infrastructure/in-memory/in-memory-daily-claims.ts';
import { InMemoryDatabaseHealth } from '../../src/infrastructure/in-memory/in-memory-database-health.ts';
import { InMemoryOperatorAccounts } from '../../src/infrastructure/in-memory/in-memory-operator-accounts.ts';
import { InMemoryOrderRepository } from '../../src/infrastructure/in-memory/in-memory-order-repository.ts';
import { InMemoryPaymentEventLog } from '../../src/infrastructure/in-memory/in-memory-payment-event-log.ts';
import { InMemoryPaymentLedger } from '../../src/infrastructure/in-memory/in-memory-payment-ledger.ts';
import { InMemoryPaymentRepository } from '../../src/infrastructure/in-memory/in-memory-payment-repository.ts';
import { InMemoryPaymentReviews } from '../../src/infrastructure/in-memory/in-memory-payment-reviews.ts';
import { InMemoryQueryQueue } from '../../src/infrastructure/in-memory/in-memory-query-queue.ts';
import { InMemoryReconciliationStore } from '../../src/infrastructure/in-memory/in-memory-reconciliation-store.ts';
import { InMemoryRefundStore } from '../../src/infrastructure/in-memory/in-memory-refund-store.ts';
import { InMemoryRejectionLog } from '../../src/infrastructure/in-memory/in-memory-rejection-log.ts';
import { InMemoryStore } from '../../src/infrastructure/in-memory/in-memory-store.ts';
import { KnexAdminAudit } from '../../src/infrastructure/persistence/knex-admin-audit.ts';
import { KnexAdminSessions } from '../../src/infrastructure/persistence/knex-admin-sessions.ts';
import { KnexDailyClaims } from '../../src/infrastructure/persistence/knex-daily-claims.ts';
import { KnexDatabaseHealth } from '../../src/infrastructure/persistence/knex-database-health.ts';
import { KnexOperatorAccounts } from '../../src/infrastructure/persistence/knex-operator-accounts.ts';
import { KnexPaymentLedger } from '../../src/infrastructure/persistence/knex-payment-ledger.ts';
import { KnexPaymentReviews } from '../../src/infrastructure/persistence/knex-payment-reviews.ts';
import { KnexQueryQueue } from '../../src/infrastructure/persistence/knex-query-queue.ts';
import { KnexReconciliationStore } from '../../src/infrastructure/persistence/knex-reconciliation-store.ts';
import { KnexRefundStore } from '../../src/infrastructure/persistence/knex-refund-store.ts';
import { KnexRejectionLog } from '../../src/infrastructure/persistence/knex-rejection-log.ts';
import { SqlOrderRepository } from '../../src/infrastructure/persistence/sql-order-repository.ts';
import { SqlPaymentEventLog } from '../../src/infrastructure/persistence/sql-payment-event-log.ts';
import { SqlPaymentRepository } from '../../src/infrastructure/persistence/sql-payment-repository.ts';
import { ScryptPasswords } from '../../src/infrastructure/scrypt-passwords.ts';
import { SystemClock } from '../../src/infrastructure/system-clock.ts';
import { INFRA } from '../../src/infrastructure/tokens.ts';
import { AdminController } from '../../src/interfaces/http/admin/admin-controller.ts';
import { ReconciliationController } from '../../src/interfaces/http/admin/reconciliation-controller.ts';
import { HealthController } from '../../src/interfaces/http/health-controller.ts';
import { PaymentController } from '../../src/interfaces/http/shopper/payment-controller.ts';
import { testWiring } from '../support/test-wiring.ts';

type AnyClass = abstract new (...args: never[]) => unknown;

/** What the default wiring binds each port to; the type makes a new port name its adapter here. */
const DEFAULT_ADAPTERS: Record<
  Exclude<
    keyof typeof TOKENS,
    | 'PaymentSettings'
    | 'QuerySchedule'
    | 'ReconcileSchedule'
    | 'CallbackConfiguration'
    | 'PaymentEventRetentionDays'
    | 'FirstOperator'
    | 'SessionLimits'
  >,
  AnyClass
> = {
  SignatureVerifier: NativeSignatureVerifier,
  SignatureDoctor: AlipaySignatureDoctor,
  AlipayCallbackParser: FormCallbackParser,
  OrderRepository: SqlOrderRepository,
  PaymentRepository: SqlPaymentRepository,
  Clock: SystemClock,
  DatabaseHealth: KnexDatabaseHealth,
  PaymentGateway: AlipayPayGateway,
  RefundGateway: AlipayRefundGateway,
  RefundStore: KnexRefundStore,
  PaymentLedger: KnexPaymentLedger,
  PaymentReviews: KnexPaymentReviews,
  AdminAudit: KnexAdminAudit,
  OperatorAccounts: KnexOperatorAccounts,
  AdminSessions: KnexAdminSessions,
  Passwords: ScryptPasswords,
  RejectionLog: KnexRejectionLog,
  TradeQuery: AlipayTradeQuery,
  TradeBillSource: AlipayTradeBillSource,
  DailyClaims: KnexDailyClaims,
  QueryQueue: KnexQueryQueue,
  PaymentEventLog: SqlPaymentEventLog,
  ReconciliationStore: KnexReconciliationStore,
};

/** What a wiring with `memory` binds each port that keeps data to. */
const MEMORY_ADAPTERS: Partial<Record<keyof typeof DEFAULT_ADAPTERS, AnyClass>> = {
  OrderRepository: InMemoryOrderRepository,
  PaymentRepository: InMemoryPaymentRepository,
  DatabaseHealth: InMemoryDatabaseHealth,
  PaymentLedger: InMemoryPaymentLedger,
  PaymentReviews: InMemoryPaymentReviews,
  AdminAudit: InMemoryAdminAudit,
  OperatorAccounts: InMemoryOperatorAccounts,
  AdminSessions: InMemoryAdminSessions,
  RejectionLog: InMemoryRejectionLog,
  DailyClaims: InMemoryDailyClaims,
  RefundStore: InMemoryRefundStore,
  QueryQueue: InMemoryQueryQueue,
  PaymentEventLog: InMemoryPaymentEventLog,
  ReconciliationStore: InMemoryReconciliationStore,
};

const ENTRY_POINTS: readonly AnyClass[] = [
  ConfirmAlipayPayment,
  ReceiveAlipayCallback,
  AskAlipayAboutOrder,
  ClaimDueQueries,
  ReconcileDay,
  ReconcilePastDays,
  StartAlipayPayment,
  PlaceOrder,
  ListPayments,
  ExportPayments,
  ListRejections,
  ShowOrderTimeline,
  PaymentController,
  HealthController,
  AdminController,
  ListReconciliations,
  ShowReconciliationDay,
  ExportReconciliationDay,
  ReconciliationController,
];

describe('the composition root', () => {
  // Binding reads no row: a knex that never connects is enough.
  const knex = knexFactory({ client: 'pg' });
  after(() => knex.destroy());
  const wiring = testWiring(knex);

  it('binds every port to the adapter the default wiring selects', () => {
    const container = buildContainer(wiring);
    for (const [port, adapter] of Object.entries(DEFAULT_ADAPTERS)) {
      const resolved = container.get(TOKENS[port as keyof typeof DEFAULT_ADAPTERS]);
      assert.equal((resolved as object).constructor, adapter, port);
    }
    assert.equal(container.get(TOKENS.PaymentSettings), wiring.settings);
    assert.deepEqual(buildContainer({ ...wiring, querySchedule: [60_000] }).get(TOKENS.QuerySchedule), new QuerySchedule([60_000]));
    assert.equal(container.get(TOKENS.QuerySchedule), null, 'no schedule when none is configured');
    assert.equal(container.get(INFRA.Logger), wiring.logger);
  });

  it('binds every port that keeps data in memory when the wiring has no database, and the rest as before', () => {
    const { knex: _, ...settings } = wiring;
    const container = buildContainer({ ...settings, memory: new InMemoryStore() });
    for (const [port, adapter] of Object.entries(DEFAULT_ADAPTERS)) {
      const resolved = container.get(TOKENS[port as keyof typeof DEFAULT_ADAPTERS]);
      assert.equal((resolved as object).constructor, MEMORY_ADAPTERS[port as keyof typeof DEFAULT_ADAPTERS] ?? adapter, port);
    }
    assert.equal(container.isBound(INFRA.Knex), false, 'no database to reach');
    for (const entry of ENTRY_POINTS) assert.ok(container.get<unknown>(entry), entry.name);
  });

  it('makes one instance of every port, use case and controller per container', () => {
    const container = buildContainer(wiring);
    for (const token of Object.values(TOKENS)) assert.equal(container.get(token), container.get(token), token.toString());
    for (const entry of ENTRY_POINTS) assert.equal(container.get<unknown>(entry), container.get<unknown>(entry), entry.name);
    assert.notEqual(buildContainer(wiring).get(PaymentController), container.get(PaymentController), 'containers share nothing');
  });
});
