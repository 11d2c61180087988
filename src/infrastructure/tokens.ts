// Tokens for values that only adapters need.
export const INFRA = {
  Knex: Symbol('Knex'),
  AlipayPublicKey: Symbol('AlipayPublicKey'),
  SignType: Symbol('SignType'),
} as const;
