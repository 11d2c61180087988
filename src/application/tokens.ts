// Symbol tokens for every port and setting; no imports, so no cycles.
export const TOKENS = {
  SignatureVerifier: Symbol('SignatureVerifier'),
  SignatureDoctor: Symbol('SignatureDoctor'),
  AlipayCallbackParser: Symbol('AlipayCallbackParser'),
  OrderRepository: Symbol('OrderRepository'),
  PaymentRepository: Symbol('PaymentRepository'),
  Clock: Symbol('Clock'),
  DatabaseHealth: Symbol('DatabaseHealth'),
  PaymentSettings: Symbol('PaymentSettings'),
  PaymentGateway: Symbol('PaymentGateway'),
  PaymentLedger: Symbol('PaymentLedger'),
  PaymentReviews: Symbol('PaymentReviews'),
  AdminAudit: Symbol('AdminAudit'),
  OperatorAccounts: Symbol('OperatorAccounts'),
  AdminSessions: Symbol('AdminSessions'),
  Passwords: Symbol('Passwords'),
  /** ADMIN_USER and ADMIN_PASSWORD (or the generated development password): the first operator, kept in configuration. */
  FirstOperator: Symbol('FirstOperator'),
  /** How long a back-office browser session lasts idle, and at most. */
  SessionLimits: Symbol('SessionLimits'),
  RejectionLog: Symbol('RejectionLog'),
  TradeQuery: Symbol('TradeQuery'),
  RefundGateway: Symbol('RefundGateway'),
  RefundStore: Symbol('RefundStore'),
  TradeBillSource: Symbol('TradeBillSource'),
  DailyClaims: Symbol('DailyClaims'),
  /** RECONCILE_AT and RECONCILE_CATCH_UP_DAYS: when, and how many days back, the daily 对账 runs. */
  ReconcileSchedule: Symbol('ReconcileSchedule'),
  QueryQueue: Symbol('QueryQueue'),
  PaymentEventLog: Symbol('PaymentEventLog'),
  ReconciliationStore: Symbol('ReconciliationStore'),
  /** The QuerySchedule, or null when ALIPAY_QUERY_SCHEDULE is off. */
  QuerySchedule: Symbol('QuerySchedule'),
  /** A fingerprint of what decides a callback (keys, algorithm, ids): a replay is not repeated under the same one. */
  CallbackConfiguration: Symbol('CallbackConfiguration'),
  /** PAYMENT_EVENT_RETENTION_DAYS. */
  PaymentEventRetentionDays: Symbol('PaymentEventRetentionDays'),
} as const;
