// Tokens for values that only adapters need.
export const INFRA = {
  Knex: Symbol('Knex'),
  /** Prepared statements on the pool's connections, outside any transaction. */
  Sql: Symbol('Sql'),
  AlipayPublicKey: Symbol('AlipayPublicKey'),
  SignType: Symbol('SignType'),
  AppPrivateKey: Symbol('AppPrivateKey'),
  PagePaySettings: Symbol('PagePaySettings'),
  RejectionRetention: Symbol('RejectionRetention'),
} as const;
