import 'reflect-metadata';
import { Container } from 'inversify';
import type forge from 'node-forge';
import type { Logger } from 'pino';
import { AskAlipayAboutOrder } from '../application/ask-alipay-about-order.ts';
import { AskAlipayAsOperator } from '../application/ask-alipay-as-operator.ts';
import { AuthenticateOperator, type FirstOperator } from '../application/authenticate-operator.ts';
import { CheckRefundAsOperator } from '../application/check-refund-as-operator.ts';
import { ClaimDueQueries } from '../application/claim-due-queries.ts';
import { ConfirmAlipayPayment } from '../application/confirm-alipay-payment.ts';
import { ExportPayments } from '../application/export-payments.ts';
import { ExportReconciliationDay } from '../application/export-reconciliation-day.ts';
import { ExportRejections } from '../application/export-rejections.ts';
import { ListAdminActions } from '../application/list-admin-actions.ts';
import { ListPayments } from '../application/list-payments.ts';
import { ListReconciliations } from '../application/list-reconciliations.ts';
import { ListRejections } from '../application/list-rejections.ts';
import { ManageOperators } from '../application/manage-operators.ts';
import { DEFAULT_SESSION_LIMITS, OperatorSessions } from '../application/operator-sessions.ts';
import { PlaceOrder } from '../application/place-order.ts';
import type { SessionLimits } from '../application/ports/admin-sessions.ts';
import type { AlipayCallbackParser } from '../application/ports/alipay-callback-parser.ts';
import type { Clock } from '../application/ports/clock.ts';
import type { Passwords } from '../application/ports/passwords.ts';
import type { PaymentGateway } from '../application/ports/payment-gateway.ts';
import type { PaymentSettings } from '../application/ports/payment-settings.ts';
import type { RefundGateway } from '../application/ports/refund-gateway.ts';
import type { SignatureDoctor } from '../application/ports/signature-doctor.ts';
import type { SignatureVerifier, SignType } from '../application/ports/signature-verifier.ts';
import type { TradeBillSource } from '../application/ports/trade-bill.ts';
import type { TradeQuery } from '../application/ports/trade-query.ts';
import { PrunePaymentEvents } from '../application/prune-payment-events.ts';
import { ReceiveAlipayCallback } from '../application/receive-alipay-callback.ts';
import { ReconcileDay } from '../application/reconcile-day.ts';
import { ReconcilePastDays, type ReconcileSchedule } from '../application/reconcile-past-days.ts';
import { RefundAtAlipay } from '../application/refund-at-alipay.ts';
import { RefundPayment } from '../application/refund-payment.ts';
import { ReplayAsOperator } from '../application/replay-as-operator.ts';
import { ReplayRefusedCallbacks } from '../application/replay-refused-callbacks.ts';
import { RerunReconciliation } from '../application/rerun-reconciliation.ts';
import { ResolveDiscrepancy } from '../application/resolve-discrepancy.ts';
import { ResolvePaymentReview } from '../application/resolve-payment-review.ts';
import { SettlePendingRefunds } from '../application/settle-pending-refunds.ts';
import { SettleRefundNotify } from '../application/settle-refund-notify.ts';
import { ShowOrderTimeline } from '../application/show-order-timeline.ts';
import { ShowReconciliationDay } from '../application/show-reconciliation-day.ts';
import { ShowReconciliationItem } from '../application/show-reconciliation-item.ts';
import { StartAlipayPayment } from '../application/start-alipay-payment.ts';
import { TOKENS } from '../application/tokens.ts';
import { QuerySchedule } from '../domain/query-schedule.ts';
import { AlipayPayGateway, type PaySettings } from '../infrastructure/alipay/alipay-pay-gateway.ts';
import { AlipayRefundGateway } from '../infrastructure/alipay/alipay-refund-gateway.ts';
import { AlipayTradeBillSource } from '../infrastructure/alipay/alipay-trade-bill-source.ts';
import { AlipayTradeQuery, type OpenApiSettings } from '../infrastructure/alipay/alipay-trade-query.ts';
import { publicKeyPemOf } from '../infrastructure/alipay/app-private-key.ts';
import { callbackConfiguration } from '../infrastructure/alipay/callback-configuration.ts';
import { ForgeSignatureVerifier } from '../infrastructure/alipay/forge-signature-verifier.ts';
import { FormCallbackParser } from '../infrastructure/alipay/form-callback-parser.ts';
import { NativeSignatureVerifier } from '../infrastructure/alipay/native-signature-verifier.ts';
import type { AlipayPublicKey } from '../infrastructure/alipay/public-key.ts';
import { forgeRequestSigner, nativeRequestSigner, type RequestSigner } from '../infrastructure/alipay/request-signer.ts';
import { AlipaySignatureDoctor } from '../infrastructure/alipay/signature-doctor.ts';
import type { RejectionRetention } from '../infrastructure/persistence/knex-rejection-log.ts';
import { ScryptPasswords } from '../infrastructure/scrypt-passwords.ts';
import { SystemClock } from '../infrastructure/system-clock.ts';
import { INFRA } from '../infrastructure/tokens.ts';
import { ActionNotices } from '../interfaces/http/admin/action-notices.ts';
import { AdminController } from '../interfaces/http/admin/admin-controller.ts';
import { DiscrepancyController } from '../interfaces/http/admin/discrepancy-controller.ts';
import { OrderQueryController } from '../interfaces/http/admin/order-query-controller.ts';
import { ReconciliationController } from '../interfaces/http/admin/reconciliation-controller.ts';
import { RefundController } from '../interfaces/http/admin/refund-controller.ts';
import { RejectionsController } from '../interfaces/http/admin/rejections-controller.ts';
import { ReplayController } from '../interfaces/http/admin/replay-controller.ts';
import { RerunController } from '../interfaces/http/admin/rerun-controller.ts';
import { ReviewController } from '../interfaces/http/admin/review-controller.ts';
import { HealthController } from '../interfaces/http/health-controller.ts';
import { PaymentController } from '../interfaces/http/shopper/payment-controller.ts';
import type { SandboxSettings } from '../sandbox/sandbox-alipay.ts';
import { bindStores, type Stores } from './stores.ts';

export type Wiring = Stores & WiringSettings;

export interface WiringSettings {
  readonly logger: Logger;
  readonly alipayPublicKey: AlipayPublicKey;
  readonly signType: SignType;
  /** Verifies Alipay's signatures and signs ours; defaults to native: see docs/performance.md. */
  readonly signatureVerifier?: 'native' | 'forge';
  /** Defaults to sql: see docs/performance.md. */
  readonly repositories?: 'sql' | 'objection';
  readonly settings: PaymentSettings;
  readonly appPrivateKey: forge.pki.rsa.PrivateKey;
  readonly pay: PaySettings;
  /** alipay.trade.query: the gateway, the app and ALIPAY_HTTP_TIMEOUT. */
  readonly openApi: OpenApiSettings;
  /** ALIPAY_QUERY_SCHEDULE's offsets (ms); null or absent when off. */
  readonly querySchedule?: readonly number[] | null;
  /** RECONCILE_AT in minutes after Beijing midnight; null or absent when off. */
  readonly reconcileAtMinutes?: number | null;
  /** RECONCILE_CATCH_UP_DAYS; 7 when absent. */
  readonly reconcileCatchUpDays?: number;
  /** PAYMENT_EVENT_RETENTION_DAYS; 400 when absent. */
  readonly paymentEventRetentionDays?: number;
  /** ADMIN_USER and ADMIN_PASSWORD (or the generated one): the first operator. */
  readonly admin: { readonly user: string; readonly password: string };
  /** How long a back-office session lasts; DEFAULT_SESSION_LIMITS when absent. */
  readonly sessionLimits?: SessionLimits;
  readonly rejections: RejectionRetention;
  /** Production: HSTS on every response. */
  readonly production?: boolean;
  /** TRUSTED_PROXIES: whose X-Forwarded-For names the client. */
  readonly trustedProxies?: readonly string[];
  /** SHOP_URL: where shopper pages link to; null or absent: the demo shop. */
  readonly shopUrl?: string | null;
  /** Development only: mounts the local Alipay and the demo shop. */
  readonly sandbox?: SandboxSettings;
  /** What the service takes for now; the machine's clock unless a test states its own. */
  readonly clock?: Clock;
}

/** The composition root: the only place that binds ports to adapters. */
export function buildContainer(wiring: Wiring): Container {
  const c = storeContainer(wiring);
  c.bind(INFRA.AlipayPublicKey).toConstantValue(wiring.alipayPublicKey);
  c.bind(INFRA.SignType).toConstantValue(wiring.signType);
  c.bind(TOKENS.CallbackConfiguration).toConstantValue(callbackConfiguration(wiring.alipayPublicKey, wiring.signType, wiring.settings));
  const forgeCrypto = wiring.signatureVerifier === 'forge';
  c.bind<RequestSigner>(INFRA.RequestSigner).toConstantValue(
    (forgeCrypto ? forgeRequestSigner : nativeRequestSigner)(wiring.appPrivateKey, wiring.signType),
  );
  c.bind(INFRA.AppPublicKeyPem).toConstantValue(publicKeyPemOf(wiring.appPrivateKey));
  c.bind(INFRA.PaySettings).toConstantValue(wiring.pay);
  c.bind(INFRA.OpenApiSettings).toConstantValue(wiring.openApi);
  c.bind(INFRA.RejectionRetention).toConstantValue(wiring.rejections);
  c.bind(INFRA.Logger).toConstantValue(wiring.logger);
  c.bind<PaymentSettings>(TOKENS.PaymentSettings).toConstantValue(wiring.settings);

  c.bind<SignatureVerifier>(TOKENS.SignatureVerifier)
    .to(forgeCrypto ? ForgeSignatureVerifier : NativeSignatureVerifier)
    .inSingletonScope();
  c.bind<AlipayCallbackParser>(TOKENS.AlipayCallbackParser).to(FormCallbackParser).inSingletonScope();
  c.bind<SignatureDoctor>(TOKENS.SignatureDoctor).to(AlipaySignatureDoctor).inSingletonScope();
  c.bind<PaymentGateway>(TOKENS.PaymentGateway).to(AlipayPayGateway).inSingletonScope();
  c.bind<TradeQuery>(TOKENS.TradeQuery).to(AlipayTradeQuery).inSingletonScope();
  c.bind<RefundGateway>(TOKENS.RefundGateway).to(AlipayRefundGateway).inSingletonScope();
  c.bind<TradeBillSource>(TOKENS.TradeBillSource).to(AlipayTradeBillSource).inSingletonScope();

  c.bind(ConfirmAlipayPayment).toSelf().inSingletonScope();
  c.bind(ReceiveAlipayCallback).toSelf().inSingletonScope();
  c.bind(RefundAtAlipay).toSelf().inSingletonScope();
  c.bind(RefundPayment).toSelf().inSingletonScope();
  c.bind(CheckRefundAsOperator).toSelf().inSingletonScope();
  c.bind(SettlePendingRefunds).toSelf().inSingletonScope();
  c.bind(SettleRefundNotify).toSelf().inSingletonScope();
  c.bind(ReplayRefusedCallbacks).toSelf().inSingletonScope();
  c.bind(AskAlipayAboutOrder).toSelf().inSingletonScope();
  c.bind(ClaimDueQueries).toSelf().inSingletonScope();
  c.bind(ReconcileDay).toSelf().inSingletonScope();
  c.bind(ReconcilePastDays).toSelf().inSingletonScope();
  c.bind(TOKENS.PaymentEventRetentionDays).toConstantValue(wiring.paymentEventRetentionDays ?? 400);
  c.bind(PrunePaymentEvents).toSelf().inSingletonScope();
  c.bind<ReconcileSchedule>(TOKENS.ReconcileSchedule).toConstantValue({
    atMinutes: wiring.reconcileAtMinutes ?? null,
    catchUpDays: wiring.reconcileCatchUpDays ?? 7,
  });
  c.bind(ListPayments).toSelf().inSingletonScope();
  c.bind(ResolvePaymentReview).toSelf().inSingletonScope();
  c.bind(ExportPayments).toSelf().inSingletonScope();
  c.bind(ListRejections).toSelf().inSingletonScope();
  c.bind(ExportRejections).toSelf().inSingletonScope();
  c.bind(ShowOrderTimeline).toSelf().inSingletonScope();
  c.bind(StartAlipayPayment).toSelf().inSingletonScope();
  c.bind(PaymentController).toSelf().inSingletonScope();
  c.bind(HealthController).toSelf().inSingletonScope();
  c.bind(AdminController).toSelf().inSingletonScope();
  c.bind(ListReconciliations).toSelf().inSingletonScope();
  c.bind(ShowReconciliationDay).toSelf().inSingletonScope();
  c.bind(ExportReconciliationDay).toSelf().inSingletonScope();
  c.bind(ReconciliationController).toSelf().inSingletonScope();
  c.bind(ShowReconciliationItem).toSelf().inSingletonScope();
  c.bind(ResolveDiscrepancy).toSelf().inSingletonScope();
  c.bind(DiscrepancyController).toSelf().inSingletonScope();
  c.bind(RejectionsController).toSelf().inSingletonScope();
  c.bind(ListAdminActions).toSelf().inSingletonScope();
  c.bind(ReviewController).toSelf().inSingletonScope();
  c.bind<Passwords>(TOKENS.Passwords).toConstantValue(new ScryptPasswords());
  c.bind<FirstOperator>(TOKENS.FirstOperator).toConstantValue({ name: wiring.admin.user, password: wiring.admin.password });
  c.bind<SessionLimits>(TOKENS.SessionLimits).toConstantValue(wiring.sessionLimits ?? DEFAULT_SESSION_LIMITS);
  c.bind(AuthenticateOperator).toSelf().inSingletonScope();
  c.bind(OperatorSessions).toSelf().inSingletonScope();
  c.bind(ManageOperators).toSelf().inSingletonScope();
  c.bind(AskAlipayAsOperator).toSelf().inSingletonScope();
  c.bind(ReplayAsOperator).toSelf().inSingletonScope();
  c.bind(RerunReconciliation).toSelf().inSingletonScope();
  c.bind(ActionNotices).toSelf().inSingletonScope();
  c.bind(OrderQueryController).toSelf().inSingletonScope();
  c.bind(RefundController).toSelf().inSingletonScope();
  c.bind(ReplayController).toSelf().inSingletonScope();
  c.bind(RerunController).toSelf().inSingletonScope();
  return c;
}

/**
 * The stores on the chosen adapters, the clock and PlaceOrder: what the server and the CLIs share. The rejection
 * log also needs its retention, which buildContainer binds.
 */
export function storeContainer({
  knex,
  memory,
  repositories = 'sql',
  querySchedule = null,
  clock,
}: Stores & Pick<Wiring, 'repositories' | 'querySchedule' | 'clock'>): Container {
  const c = new Container();
  bindStores(c, memory ? { memory } : { knex: knex! }, repositories);
  c.bind(TOKENS.QuerySchedule).toConstantValue(querySchedule === null ? null : new QuerySchedule(querySchedule));
  if (clock) c.bind<Clock>(TOKENS.Clock).toConstantValue(clock);
  else c.bind<Clock>(TOKENS.Clock).to(SystemClock).inSingletonScope();
  c.bind(PlaceOrder).toSelf().inSingletonScope();
  return c;
}
