// Tokens for values that only adapters need.
export const INFRA = {
  Knex: Symbol('Knex'),
  AlipayPublicKey: Symbol('AlipayPublicKey'),
  SignType: Symbol('SignType'),
  AppPrivateKey: Symbol('AppPrivateKey'),
  PagePaySettings: Symbol('PagePaySettings'),
  RejectionRetention: Symbol('RejectionRetention'),
} as const;
