// Tokens for values that only adapters need.
export const INFRA = {
  Knex: Symbol('Knex'),
  /** Prepared statements on the pool's connections, outside any transaction. */
  Sql: Symbol('Sql'),
  AlipayPublicKey: Symbol('AlipayPublicKey'),
  SignType: Symbol('SignType'),
  /** Our app's public key (应用公钥), PEM: the signature doctor recognises messages signed with it. */
  AppPublicKeyPem: Symbol('AppPublicKeyPem'),
  /** Signs our requests to Alipay with the app's private key (native or forge, as SIGNATURE_VERIFIER). */
  RequestSigner: Symbol('RequestSigner'),
  PaySettings: Symbol('PaySettings'),
  /** The app and gateway for alipay.trade.query and other OpenAPI calls, and their timeout. */
  OpenApiSettings: Symbol('OpenApiSettings'),
  RejectionRetention: Symbol('RejectionRetention'),
  /** The process's pino logger, for adapters that must not fail loudly but must not fail silently either. */
  Logger: Symbol('Logger'),
} as const;
