// npm run bench:admin [-- --rows 1000000 --samples 200]
// Seeds PostgreSQL with payments (DATABASE_URL, or a throwaway cluster) and times the admin view
// over HTTP: the first page (with the count of all payments), the page after following 下一页 50 times,
// searches by a whole trade no and by any part of an id (the trigram indexes), and a week's per-day totals.
import { Buffer } from 'node:buffer';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import forge from 'node-forge';
import pino from 'pino';
import { buildApp } from '../../src/bootstrap/build-app.ts';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { parseAlipayPublicKey } from '../../src/infrastructure/alipay/public-key.ts';
import { openDatabase } from '../../src/infrastructure/persistence/database.ts';
import { migrate } from '../../src/infrastructure/persistence/migrations.ts';
import { buildSearchIndexes, dropSearchIndexes } from '../../src/infrastructure/persistence/search-indexes.ts';
import { createHttpServer } from '../../src/interfaces/http/http-server.ts';
import { postgresForBench, progress, timeIt } from './support.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, samples: { type: 'string', default: '200' } } });
const ROWS = Number(values.rows);
const SAMPLES = Number(values.samples);
const SCHEMA = 'bench_admin';
// Shaped as in production: Meiduo's order id is the order's time to the second and a 9-digit user id;
// an Alipay trade no is its date, 2200, 140 and 13 digits that differ from trade to trade (a bijection of g).
const ORDER_ID = `to_char(ts at time zone 'Asia/Shanghai', 'YYYYMMDDHH24MISS') || lpad((g % 200000)::text, 9, '0')`;
const TRADE_NO = `to_char(ts at time zone 'Asia/Shanghai', 'YYYYMMDD') || '2200140' || lpad(((g::bigint * 2654435761) % 10000000000000)::text, 13, '0')`;
const CHUNK = 100_000;
const auth = { Authorization: `Basic ${Buffer.from('admin:bench').toString('base64')}` };

const postgres = postgresForBench();
const admin = openDatabase({ kind: 'postgres', url: postgres.url });
await admin.knex.raw(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
await admin.close();
const database = openDatabase({ kind: 'postgres', url: postgres.url, schema: SCHEMA });
const { knex } = database;
try {
  await migrate(knex);
  const [{ n }] = await knex('tb_payment').count({ n: '*' });
  if (Number(n) !== ROWS) {
    progress(`seeding ${ROWS.toLocaleString()} orders and payments into schema ${SCHEMA}`);
    await knex.raw('TRUNCATE tb_payment, tb_order_info');
    // A GIN index fed row by row is slow past the statement timeout: built once, after the rows, it takes seconds.
    await dropSearchIndexes(knex);
    // One instant for every chunk and both tables: the ids are made of it.
    const SEEDED_UNTIL = new Date().toISOString();
    for (let start = 1; start <= ROWS; start += CHUNK) {
      const end = Math.min(ROWS, start + CHUNK - 1);
      // One payment every 7 seconds, ending now: about 80 days of history for a million rows.
      const series = `generate_series(${start}, ${end}) g, LATERAL (SELECT '${SEEDED_UNTIL}'::timestamptz - (${ROWS} - g) * interval '7 seconds' AS ts) t`;
      await knex.raw(`INSERT INTO tb_order_info (order_id, total_amount, pay_method, status, create_time, update_time)
        SELECT ${ORDER_ID}, 88.80, 2, 4, ts, ts FROM ${series}`);
      await knex.raw(`INSERT INTO tb_payment (order_id, trade_id, amount, source, state, review_reason, create_time, update_time)
        SELECT ${ORDER_ID}, ${TRADE_NO}, 88.80,
          CASE WHEN g % 2 = 0 THEN 'notify' ELSE 'return' END,
          CASE WHEN g % 100 = 0 THEN 'needs_review' ELSE 'applied' END,
          CASE WHEN g % 100 = 0 THEN 'ALREADY_PAID' END, ts, ts FROM ${series}`);
      progress(`  ${end.toLocaleString()} / ${ROWS.toLocaleString()}`);
    }
    progress('building the trigram indexes');
    // As migration 008 does on a database already full of payments.
    await buildSearchIndexes(knex);
    await knex.raw('ANALYZE tb_order_info, tb_payment');
  } else {
    progress(`reusing ${ROWS.toLocaleString()} payments already in schema ${SCHEMA}`);
  }

  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const keys = forge.pki.rsa.generateKeyPair({ bits: 1024 });
  const { app } = buildApp({
    knex,
    logger: pino({ level: 'silent' }),
    alipayPublicKey: parseAlipayPublicKey(forge.pki.publicKeyToPem(keys.publicKey)),
    signType: 'RSA2',
    settings: { appId: 'bench', sellerId: null, statusAfterPayment: OrderStatus.UNCOMMENT },
    appPrivateKey: keys.privateKey,
    pay: {
      appId: 'bench',
      gatewayUrl: 'https://gateway.example',
      returnUrl: `${url}/r`,
      notifyUrl: `${url}/n`,
      quitUrl: `${url}/q`,
      payTimeoutMs: 1_800_000,
    },
    openApi: { appId: 'bench', gatewayUrl: 'https://gateway.example', timeoutMs: 1_000 },
    admin: { user: 'admin', password: 'bench' },
    rejections: { maxRows: 1000, maxAgeDays: 1 },
  });
  server.on('request', app.callback());
  const get = async (path: string): Promise<string> => {
    const response = await fetch(url + path, { headers: auth });
    const body = await response.text();
    if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
    return body;
  };
  const daysAgo = (days: number) => new Date(Date.now() + 8 * 3_600_000 - days * 86_400_000).toISOString().slice(0, 10);
  const nextLink = (body: string) => body.match(/<a class="next" href="([^"]+)"/)?.[1]?.replace(/&amp;/g, '&');

  progress('following 下一页 50 times');
  let deep = '/admin/payments';
  for (let i = 0; i < 50; i++) deep = nextLink(await get(deep))!;
  await get('/admin/payments'); // warm-up

  const samples: Array<{ order: string; trade: string }> = (
    await knex.raw('SELECT order_id AS order, trade_id AS trade FROM tb_payment TABLESAMPLE SYSTEM (1) LIMIT ?', [SAMPLES])
  ).rows;
  progress(`timing ${SAMPLES} requests each`);
  const results = {
    'first page (50 rows)': await timeIt(SAMPLES, async () => void (await get('/admin/payments'))),
    'page after 下一页 ×50': await timeIt(SAMPLES, async () => void (await get(deep))),
    'search by a whole trade no': await timeIt(
      SAMPLES,
      async (i) => void (await get(`/admin/payments?q=${samples[i % samples.length]!.trade}`)),
    ),
    'search by the last 6 digits of a trade no': await timeIt(
      SAMPLES,
      async (i) => void (await get(`/admin/payments?q=${samples[i % samples.length]!.trade.slice(-6)}`)),
    ),
    'search by 8 digits inside an order id': await timeIt(
      SAMPLES,
      async (i) => void (await get(`/admin/payments?q=${samples[i % samples.length]!.order.slice(8, 16)}`)),
    ),
    'needs-review filter': await timeIt(SAMPLES, async () => void (await get('/admin/payments?state=needs_review'))),
    'one week, with per-day totals': await timeIt(
      SAMPLES,
      async () => void (await get(`/admin/payments?from=${daysAgo(7)}&to=${daysAgo(1)}`)),
    ),
  };
  server.close();

  console.log(`\nAdmin view over HTTP, PostgreSQL with ${ROWS.toLocaleString()} payments, ${SAMPLES} sequential requests each`);
  console.log('| request | p50 ms | p95 ms | target p95 < 50 ms |');
  console.log('|---|---|---|---|');
  for (const [name, { p50, p95 }] of Object.entries(results)) {
    console.log(`| ${name} | ${p50.toFixed(1)} | ${p95.toFixed(1)} | ${p95 < 50 ? 'met' : 'NOT met'} |`);
  }
  console.log(
    `\nReproduce: npm run bench:admin -- --rows ${ROWS} --samples ${SAMPLES}   (uses DATABASE_URL, or starts a throwaway cluster)`,
  );
} finally {
  await database.close();
  postgres.stop();
}
