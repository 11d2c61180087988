// npm run bench:admin [-- --rows 1000000 --samples 200]
// Seeds PostgreSQL with payments (DATABASE_URL, or a throwaway cluster) and times the admin view
// over HTTP: the first page, the page after following 下一页 50 times, and a search by trade no.
import { Buffer } from 'node:buffer';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import forge from 'node-forge';
import pino from 'pino';
import { buildApp } from '../src/container.ts';
import { OrderStatus } from '../src/domain/order-status.ts';
import { parseAlipayPublicKey } from '../src/infrastructure/alipay/public-key.ts';
import { openDatabase } from '../src/infrastructure/persistence/database.ts';
import { migrate } from '../src/infrastructure/persistence/migrations.ts';
import { createHttpServer } from '../src/interfaces/http/http-server.ts';
import { postgresForBench, progress, timeIt } from './bench-support.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, samples: { type: 'string', default: '200' } } });
const ROWS = Number(values.rows);
const SAMPLES = Number(values.samples);
const SCHEMA = 'bench_admin';
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
    for (let start = 1; start <= ROWS; start += CHUNK) {
      const end = Math.min(ROWS, start + CHUNK - 1);
      // One payment every 7 seconds, ending now: about 80 days of history for a million rows.
      const series = `generate_series(${start}, ${end}) g, LATERAL (SELECT now() - (${ROWS} - g) * interval '7 seconds' AS ts) t`;
      await knex.raw(`INSERT INTO tb_order_info (order_id, total_amount, pay_method, status, create_time, update_time)
        SELECT '2026' || lpad(g::text, 19, '0'), 88.80, 2, 4, ts, ts FROM ${series}`);
      await knex.raw(`INSERT INTO tb_payment (order_id, trade_id, amount, source, state, review_reason, create_time, update_time)
        SELECT '2026' || lpad(g::text, 19, '0'), '2026112622001' || lpad(g::text, 15, '0'), 88.80,
          CASE WHEN g % 2 = 0 THEN 'notify' ELSE 'return' END,
          CASE WHEN g % 100 = 0 THEN 'needs_review' ELSE 'applied' END,
          CASE WHEN g % 100 = 0 THEN 'ALREADY_PAID' END, ts, ts FROM ${series}`);
      progress(`  ${end.toLocaleString()} / ${ROWS.toLocaleString()}`);
    }
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
    pagePay: { appId: 'bench', gatewayUrl: 'https://gateway.example', returnUrl: `${url}/r`, notifyUrl: `${url}/n` },
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
  const nextLink = (body: string) => body.match(/<a class="next" href="([^"]+)"/)?.[1]?.replace(/&amp;/g, '&');

  progress('following 下一页 50 times');
  let deep = '/admin/payments';
  for (let i = 0; i < 50; i++) deep = nextLink(await get(deep))!;
  await get('/admin/payments'); // warm-up

  progress(`timing ${SAMPLES} requests each`);
  const results = {
    'first page (50 rows)': await timeIt(SAMPLES, async () => void (await get('/admin/payments'))),
    'page after 下一页 ×50': await timeIt(SAMPLES, async () => void (await get(deep))),
    'search by trade no': await timeIt(
      SAMPLES,
      async (i) => void (await get(`/admin/payments?q=2026112622001${String(1 + ((i * 7919) % ROWS)).padStart(15, '0')}`)),
    ),
    'needs-review filter': await timeIt(SAMPLES, async () => void (await get('/admin/payments?state=needs_review'))),
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
