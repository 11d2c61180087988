import type { Container } from 'inversify';
import type { Knex } from 'knex';
import type { AdminAudit } from '../application/ports/admin-audit.ts';
import type { AdminSessions } from '../application/ports/admin-sessions.ts';
import type { Clock } from '../application/ports/clock.ts';
import type { DailyClaims } from '../application/ports/daily-claims.ts';
import type { DatabaseHealth } from '../application/ports/database-health.ts';
import type { OperatorAccounts } from '../application/ports/operator-accounts.ts';
import type { OrderRepository } from '../application/ports/order-repository.ts';
import type { PaymentEventLog } from '../application/ports/payment-events.ts';
import type { PaymentLedger } from '../application/ports/payment-ledger.ts';
import type { PaymentRepository } from '../application/ports/payment-repository.ts';
import type { PaymentReviews } from '../application/ports/payment-reviews.ts';
import type { QueryQueue } from '../application/ports/query-queue.ts';
import type { ReconciliationStore } from '../application/ports/reconciliation-store.ts';
import type { RefundStore } from '../application/ports/refund-store.ts';
import type { RejectionLog } from '../application/ports/rejection-log.ts';
import { TOKENS } from '../application/tokens.ts';
import { InMemoryAdminAudit } from '../infrastructure/in-memory/in-memory-admin-audit.ts';
import { InMemoryAdminSessions } from '../infrastructure/in-memory/in-memory-admin-sessions.ts';
import { InMemoryDailyClaims } from '../infrastructure/in-memory/in-memory-daily-claims.ts';
import { InMemoryDatabaseHealth } from '../infrastructure/in-memory/in-memory-database-health.ts';
import { InMemoryOperatorAccounts } from '../infrastructure/in-memory/in-memory-operator-accounts.ts';
import { InMemoryOrderRepository } from '../infrastructure/in-memory/in-memory-order-repository.ts';
import { InMemoryPaymentEventLog } from '../infrastructure/in-memory/in-memory-payment-event-log.ts';
import { InMemoryPaymentLedger } from '../infrastructure/in-memory/in-memory-payment-ledger.ts';
import { InMemoryPaymentRepository } from '../infrastructure/in-memory/in-memory-payment-repository.ts';
import { InMemoryPaymentReviews } from '../infrastructure/in-memory/in-memory-payment-reviews.ts';
import { InMemoryQueryQueue } from '../infrastructure/in-memory/in-memory-query-queue.ts';
import { InMemoryReconciliationStore } from '../infrastructure/in-memory/in-memory-reconciliation-store.ts';
import { InMemoryRefundStore } from '../infrastructure/in-memory/in-memory-refund-store.ts';
import { InMemoryRejectionLog } from '../infrastructure/in-memory/in-memory-rejection-log.ts';
import type { InMemoryStore } from '../infrastructure/in-memory/in-memory-store.ts';
import { KnexAdminAudit } from '../infrastructure/persistence/knex-admin-audit.ts';
import { KnexAdminSessions } from '../infrastructure/persistence/knex-admin-sessions.ts';
import { KnexDailyClaims } from '../infrastructure/persistence/knex-daily-claims.ts';
import { KnexDatabaseHealth } from '../infrastructure/persistence/knex-database-health.ts';
import { KnexOperatorAccounts } from '../infrastructure/persistence/knex-operator-accounts.ts';
import { KnexPaymentLedger } from '../infrastructure/persistence/knex-payment-ledger.ts';
import { KnexPaymentReviews } from '../infrastructure/persistence/knex-payment-reviews.ts';
import { KnexQueryQueue } from '../infrastructure/persistence/knex-query-queue.ts';
import { KnexReconciliationStore } from '../infrastructure/persistence/knex-reconciliation-store.ts';
import { KnexRefundStore } from '../infrastructure/persistence/knex-refund-store.ts';
import { KnexRejectionLog, type RejectionRetention } from '../infrastructure/persistence/knex-rejection-log.ts';
import { ObjectionOrderRepository } from '../infrastructure/persistence/objection-order-repository.ts';
import { ObjectionPaymentRepository } from '../infrastructure/persistence/objection-payment-repository.ts';
import { pooledSql } from '../infrastructure/persistence/sql.ts';
import { SqlOrderRepository } from '../infrastructure/persistence/sql-order-repository.ts';
import { SqlPaymentEventLog } from '../infrastructure/persistence/sql-payment-event-log.ts';
import { SqlPaymentRepository } from '../infrastructure/persistence/sql-payment-repository.ts';
import { INFRA } from '../infrastructure/tokens.ts';

/** Where the data lives: the database (PGlite or PostgreSQL, through knex), or memory for tests of the HTTP mapping. */
export type Stores = { readonly knex: Knex; readonly memory?: undefined } | { readonly knex?: undefined; readonly memory: InMemoryStore };

/** Binds every port that keeps data. `repositories` picks the orders' and payments' database adapters. */
export function bindStores(c: Container, stores: Stores, repositories: 'sql' | 'objection'): void {
  if (stores.memory) bindMemory(c, stores.memory);
  else bindDatabase(c, stores.knex, repositories);
}

function bindDatabase(c: Container, knex: Knex, repositories: 'sql' | 'objection'): void {
  const objection = repositories === 'objection';
  c.bind(INFRA.Knex).toConstantValue(knex);
  c.bind(INFRA.Sql).toConstantValue(pooledSql(knex));
  c.bind<OrderRepository>(TOKENS.OrderRepository)
    .to(objection ? ObjectionOrderRepository : SqlOrderRepository)
    .inSingletonScope();
  c.bind<PaymentRepository>(TOKENS.PaymentRepository)
    .to(objection ? ObjectionPaymentRepository : SqlPaymentRepository)
    .inSingletonScope();
  c.bind<QueryQueue>(TOKENS.QueryQueue).to(KnexQueryQueue).inSingletonScope();
  c.bind<PaymentEventLog>(TOKENS.PaymentEventLog).to(SqlPaymentEventLog).inSingletonScope();
  c.bind<ReconciliationStore>(TOKENS.ReconciliationStore).to(KnexReconciliationStore).inSingletonScope();
  c.bind<DatabaseHealth>(TOKENS.DatabaseHealth).to(KnexDatabaseHealth).inSingletonScope();
  c.bind<PaymentLedger>(TOKENS.PaymentLedger).to(KnexPaymentLedger).inSingletonScope();
  c.bind<PaymentReviews>(TOKENS.PaymentReviews).to(KnexPaymentReviews).inSingletonScope();
  c.bind<AdminAudit>(TOKENS.AdminAudit).to(KnexAdminAudit).inSingletonScope();
  c.bind<OperatorAccounts>(TOKENS.OperatorAccounts).to(KnexOperatorAccounts).inSingletonScope();
  c.bind<AdminSessions>(TOKENS.AdminSessions).to(KnexAdminSessions).inSingletonScope();
  c.bind<RejectionLog>(TOKENS.RejectionLog).to(KnexRejectionLog).inSingletonScope();
  c.bind<DailyClaims>(TOKENS.DailyClaims).to(KnexDailyClaims).inSingletonScope();
  c.bind<RefundStore>(TOKENS.RefundStore).to(KnexRefundStore).inSingletonScope();
}

function bindMemory(c: Container, store: InMemoryStore): void {
  const clock = (context: { get<T>(id: symbol): T }) => context.get<Clock>(TOKENS.Clock);
  c.bind<OrderRepository>(TOKENS.OrderRepository).toConstantValue(new InMemoryOrderRepository(store));
  c.bind<PaymentRepository>(TOKENS.PaymentRepository).toConstantValue(new InMemoryPaymentRepository(store));
  c.bind<QueryQueue>(TOKENS.QueryQueue).toConstantValue(new InMemoryQueryQueue(store));
  c.bind<PaymentEventLog>(TOKENS.PaymentEventLog).toConstantValue(new InMemoryPaymentEventLog());
  c.bind<ReconciliationStore>(TOKENS.ReconciliationStore).toConstantValue(new InMemoryReconciliationStore(store));
  c.bind<DatabaseHealth>(TOKENS.DatabaseHealth).toConstantValue(new InMemoryDatabaseHealth());
  c.bind<PaymentLedger>(TOKENS.PaymentLedger)
    .toDynamicValue((context) => new InMemoryPaymentLedger(store, clock(context)))
    .inSingletonScope();
  c.bind<PaymentReviews>(TOKENS.PaymentReviews).toConstantValue(new InMemoryPaymentReviews(store));
  c.bind<AdminAudit>(TOKENS.AdminAudit).toConstantValue(new InMemoryAdminAudit(store));
  c.bind<OperatorAccounts>(TOKENS.OperatorAccounts).toConstantValue(new InMemoryOperatorAccounts(store));
  c.bind<AdminSessions>(TOKENS.AdminSessions).toConstantValue(new InMemoryAdminSessions());
  c.bind<RejectionLog>(TOKENS.RejectionLog)
    .toDynamicValue((context) => new InMemoryRejectionLog(context.get<RejectionRetention>(INFRA.RejectionRetention), clock(context), store))
    .inSingletonScope();
  c.bind<DailyClaims>(TOKENS.DailyClaims).toConstantValue(new InMemoryDailyClaims());
  c.bind<RefundStore>(TOKENS.RefundStore).toConstantValue(new InMemoryRefundStore(store));
}
