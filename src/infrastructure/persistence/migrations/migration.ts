import type { Knex } from 'knex';

/** One step of the schema. `config.transaction: false` runs it outside a transaction (knex reads it; its types omit it). */
export type Migration = Knex.Migration & { config?: { transaction: boolean } };
