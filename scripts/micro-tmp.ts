import process from 'node:process';
import { openDatabase } from '../src/infrastructure/persistence/database.ts';
import { migrate } from '../src/infrastructure/persistence/migrations.ts';
const N = Number(process.env.N ?? 6000), C = 16;
const url = process.env.DATABASE_URL!;
const admin = openDatabase({ kind: 'postgres', url });
await admin.knex.raw('DROP SCHEMA IF EXISTS micro CASCADE'); await admin.knex.raw('CREATE SCHEMA micro'); await admin.close();
const db = openDatabase({ kind: 'postgres', url, schema: 'micro', poolSize: C });
await migrate(db.knex);
await db.knex.raw(`INSERT INTO tb_order_info (order_id, total_amount, pay_method, status) SELECT 'M' || g, 88.80, 2, 1 FROM generate_series(1, ${N}) g`);
const client: any = db.knex.client;
async function run(label: string, op: (i: number) => Promise<unknown>) {
  let next = 0; const cpu0 = process.cpuUsage(); const t0 = performance.now();
  await Promise.all(Array.from({ length: C }, async () => { while (next < N) { const i = ++next; await op(i); } }));
  const wall = performance.now() - t0; const cpu = process.cpuUsage(cpu0);
  console.log(`${label}: ${(N / wall * 1000).toFixed(0)} op/s, node CPU ${((cpu.user + cpu.system) / N).toFixed(0)} us/op`);
}
const reset = async () => { await db.knex.raw(`UPDATE tb_order_info SET status = 1`); await db.knex.raw('DELETE FROM tb_payment'); };
const load = { name: 'load', text: `SELECT o.order_id, o.total_amount, o.pay_method, o.status, o.update_time, p.order_id AS p_order_id, p.trade_id, p.amount, p.source, p.state, p.review_reason, p.create_time
  FROM tb_order_info o LEFT JOIN tb_payment p ON p.trade_id = $2 WHERE o.order_id = $1` };
const commit = { name: 'commit', text: `WITH o AS (UPDATE tb_order_info SET status = $8, update_time = $7 WHERE order_id = $1 AND status = $9 RETURNING order_id)
  INSERT INTO tb_payment (order_id, trade_id, amount, source, state, review_reason, create_time, update_time) SELECT $1, $2, $3, $4, $5, $6, $7, $7 FROM o` };
async function occ(i: number) {
  const conn = await client.acquireConnection();
  try {
    const r = await conn.query({ ...load, values: [`M${i}`, `T${i}`] });
    if (r.rows[0].trade_id) return;
    const now = new Date();
    const w = await conn.query({ ...commit, values: [`M${i}`, `T${i}`, '88.80', 'return', 'applied', null, now, 4, 1] });
    if (w.rowCount !== 1) throw new Error('conflict');
  } finally { await client.releaseConnection(conn); }
}
async function occ2(i: number) { // acquire per statement, as repositories would
  const q = async (cfg: any) => { const conn = await client.acquireConnection(); try { return await conn.query(cfg); } finally { await client.releaseConnection(conn); } };
  const r = await q({ ...load, values: [`M${i}`, `T${i}`] });
  if (r.rows[0].trade_id) return;
  const now = new Date();
  const w = await q({ ...commit, values: [`M${i}`, `T${i}`, '88.80', 'return', 'applied', null, now, 4, 1] });
  if (w.rowCount !== 1) throw new Error('conflict');
}
await run('occ unique', occ); await run('occ refresh', occ);
await reset(); await run('occ2 unique', occ2);
await db.close();
