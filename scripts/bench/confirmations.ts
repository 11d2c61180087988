// What the in-process benches of the write path share: a migrated schema of their own on DATABASE_URL,
// UNPAID Alipay orders with a signed return each, and ConfirmAlipayPayment wired as the service wires it.
import { Buffer } from 'node:buffer';
import { generateKeyPairSync } from 'node:crypto';
import process from 'node:process';
import { ConfirmAlipayPayment } from '../../src/application/confirm-alipay-payment.ts';
import type { PaymentRepository } from '../../src/application/ports/payment-repository.ts';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { FormCallbackParser } from '../../src/infrastructure/alipay/form-callback-parser.ts';
import { NativeSignatureVerifier } from '../../src/infrastructure/alipay/native-signature-verifier.ts';
import { parseAlipayPublicKey } from '../../src/infrastructure/alipay/public-key.ts';
import { AlipaySignatureDoctor } from '../../src/infrastructure/alipay/signature-doctor.ts';
import { type Database, openDatabase } from '../../src/infrastructure/persistence/database.ts';
import { migrate } from '../../src/infrastructure/persistence/migrations.ts';
import { APP_ID, createTestAlipay, returnParams, SELLER_ID } from '../../test/support/alipay-signer.ts';

export interface BenchSchema {
  readonly url: string;
  readonly schema: string;
  readonly database: Database;
  /** Drops the schema and closes the pool. */
  drop(): Promise<void>;
}

/** A schema named `${prefix}_${pid}` on DATABASE_URL, migrated. */
export async function benchSchema(prefix: string, poolSize: number): Promise<BenchSchema> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL must name a PostgreSQL database (scripts/throwaway-postgres.sh start)');
  const schema = `${prefix}_${process.pid}`;
  const admin = openDatabase({ kind: 'postgres', url });
  await admin.knex.raw(`CREATE SCHEMA ${schema}`);
  await admin.close();
  const database = openDatabase({ kind: 'postgres', url, schema, poolSize });
  const drop = async () => {
    await database.knex.raw(`DROP SCHEMA ${schema} CASCADE`);
    await database.close();
  };
  try {
    await migrate(database.knex);
  } catch (error) {
    await drop();
    throw error;
  }
  return { url, schema, database, drop };
}

/** `count` UNPAID orders of 88.80 named `${letter}000000000001`…, and a return signed for each, in order. */
export async function ordersWithReturns(database: Database, letter: string, count: number) {
  await database.knex.raw(
    `INSERT INTO tb_order_info (order_id, total_amount, pay_method, status)
      SELECT '${letter}' || lpad(g::text, 12, '0'), 88.80, 2, 1 FROM generate_series(1, ${count}) g`,
  );
  const alipay = createTestAlipay();
  const parser = new FormCallbackParser();
  const alipayKey = parseAlipayPublicKey(alipay.publicKeyPem);
  const verifier = new NativeSignatureVerifier(alipayKey, 'RSA2');
  const appKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const doctor = new AlipaySignatureDoctor(verifier, parser, alipayKey, appKeyPem);
  const settings = { appId: APP_ID, sellerId: SELLER_ID, statusAfterPayment: OrderStatus.UNCOMMENT } as const;
  return {
    parser,
    returns: Array.from({ length: count }, (_, n) =>
      Buffer.from(alipay.signedQuery(returnParams(`${letter}${String(n + 1).padStart(12, '0')}`, '88.80'))),
    ),
    confirmWith: (payments: PaymentRepository) => new ConfirmAlipayPayment(verifier, settings, { now: () => new Date() }, payments, doctor),
  };
}
