import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { SignType } from '../../src/application/ports/signature-verifier.ts';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { MemoryTables, type RunningApp, startTestApp } from '../support/test-app.ts';

// Returns signed by Alipay's own (sandbox) servers, with the Alipay public keys that verify them:
// test/fixtures/alipay-real/README.md says where each comes from.
const dir = new URL('../fixtures/alipay-real/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, dir), 'utf8').trim();

const REAL_RETURNS = [
  { file: 'wap-return-2016092100559272.txt', what: 'a wap return, RSA2' },
  { file: 'wap-return-2016091600523436.txt', what: 'a wap return, RSA (SHA1) with a 1024-bit key' },
  { file: 'wap-return-2016102000727659.txt', what: 'another wap return, RSA' },
  { file: 'page-return-2016092200569200.txt', what: 'a page-pay return, RSA2' },
];

describe("real returns signed by Alipay's servers, through the real app over in-memory stores", () => {
  const tables = new MemoryTables();

  for (const { file, what } of REAL_RETURNS) {
    const query = read(file);
    const params = Object.fromEntries(new URLSearchParams(query));
    const appId = params.app_id!;

    describe(`${what} (app ${appId})`, () => {
      let app: RunningApp;
      before(async () => {
        tables.empty();
        tables.seedOrder(params.out_trade_no!, params.total_amount!);
        app = await startTestApp({
          memory: tables.store,
          alipayPublicKeyPem: read(`alipay-public-key-${appId}.pem`),
          signType: params.sign_type as SignType,
          settings: { appId, sellerId: params.seller_id! },
        });
      });
      after(() => app.close());

      it('is accepted: 订单支付成功, one payment, the order paid', async () => {
        const response = await app.get(`/payment/status/?${query}`);
        assert.equal(response.status, 200, response.body.slice(0, 300));
        assert.match(response.body, /订单支付成功/);
        assert.deepEqual(
          tables.payments(params.out_trade_no!).map((payment) => [payment.tradeNo, payment.amount?.toString(), payment.source]),
          [[params.trade_no, params.total_amount, 'return']],
        );
        assert.equal(tables.orderStatus(params.out_trade_no!), OrderStatus.UNCOMMENT);
      });

      it('is refused with 403 once its amount is altered', async () => {
        const altered = query.replace(`total_amount=${params.total_amount}`, 'total_amount=0.02');
        assert.notEqual(altered, query);
        assert.equal((await app.get(`/payment/status/?${altered}`)).status, 403);
      });
    });
  }
});
