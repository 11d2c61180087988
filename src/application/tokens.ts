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
  RejectionLog: Symbol('RejectionLog'),
  TradeQuery: Symbol('TradeQuery'),
  QueryQueue: Symbol('QueryQueue'),
  PaymentEventLog: Symbol('PaymentEventLog'),
  /** The QuerySchedule, or null when ALIPAY_QUERY_SCHEDULE is off. */
  QuerySchedule: Symbol('QuerySchedule'),
} as const;
