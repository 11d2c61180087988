import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidSignature, MalformedCallback, NotOurMerchant, WrongChannel } from '../../src/application/errors.ts';
import { summaryOf } from '../../src/application/trade-summary.ts';
import { OrderNotFound, PaymentNeedsReview, TradeNoConflict } from '../../src/domain/errors.ts';
import { Money } from '../../src/domain/money.ts';
import { billProblemText } from '../../src/interfaces/http/admin/bill-problem-text.ts';
import { eventSummaryText } from '../../src/interfaces/http/admin/event-summary-text.ts';
import { rejectionDetailText, replayDetailText } from '../../src/interfaces/http/admin/rejection-detail-text.ts';

const report = (kind: { tradeStatus?: string; subCode?: string }, tradeNo: string | null = 'T88', amount: string | null = '3798.00') =>
  summaryOf({
    outTradeNo: 'O1',
    tradeNo,
    totalAmount: amount === null ? null : Money.parse(amount),
    appId: null,
    sellerId: null,
    kind: { method: '', notifyType: '', tradeStatus: '', refundFee: '', gmtRefund: '', ...kind },
  });
const paid = report({ tradeStatus: 'TRADE_SUCCESS' });
// Words of English left in a Chinese line: any lower-case word but Alipay's own field names, which staff look up.
const ALIPAY_NAMES = new Set(['app_id', 'sign', 'notify_type', 'trade_status_sync']);
const englishWords = (text: string) => (text.match(/[a-z][a-z_]+/g) ?? []).filter((word) => !ALIPAY_NAMES.has(word));

describe("the timeline's event summaries in Chinese", () => {
  const cases: Array<[Parameters<typeof eventSummaryText>[0], string, string]> = [
    ['pay_url', 'pay URL issued for ¥3798.00', '支付金额 ¥3,798.00'],
    ['notify', `${paid}: payment recorded`, '支付成功，交易号 T88，金额 ¥3,798.00：已记录支付'],
    ['notify', `${paid}: already recorded`, '支付成功，交易号 T88，金额 ¥3,798.00：此前已记录，未重复记录'],
    [
      'notify',
      `${paid}: kept for review: ${new PaymentNeedsReview('O1', 'T88', 'ALREADY_PAID').message}`,
      '支付成功，交易号 T88，金额 ¥3,798.00：已记录支付，留待人工核对：订单已由其他交易支付',
    ],
    [
      'notify',
      `${paid}: kept for review: ${new TradeNoConflict('T88', 'O1', 'O2').message}`,
      '支付成功，交易号 T88，金额 ¥3,798.00：已记录支付，留待人工核对：该交易号已记在订单 O2 下',
    ],
    ['query', report({ subCode: 'ACQ.TRADE_NOT_EXIST' }, null, null), '支付宝查无此交易（买家尚未付款）'],
    ['query', report({ tradeStatus: 'WAIT_BUYER_PAY' }, 'T9', '1.00'), '等待买家付款，交易号 T9，金额 ¥1.00'],
    ['query', `${paid}: payment kept for review`, '支付成功，交易号 T88，金额 ¥3,798.00：已记录支付，留待人工核对'],
    [
      'query',
      `no answer to rely on: ${new InvalidSignature('does not verify').message}`,
      '未得到可信的应答，稍后会再查询：签名无效：签名与报文内容不符',
    ],
    ['query', 'no answer to rely on: the answer is about order O2', '未得到可信的应答，稍后会再查询：应答说的是另一个订单 O2'],
    [
      'query',
      'no answer to rely on: alipay.trade.query from openapi.alipay.com did not complete within 10 s (ALIPAY_HTTP_TIMEOUT)',
      '未得到可信的应答，稍后会再查询：请求支付宝超时',
    ],
    ['query', report({ tradeStatus: '', subCode: '' }, null, null), '未说明交易状态'],
  ];
  for (const [kind, line, chinese] of cases) {
    it(`reads “${line}”`, () => {
      assert.equal(eventSummaryText(kind, line), chinese);
      assert.deepEqual(englishWords(chinese), []);
    });
  }

  it('keeps a line it does not know, whole', () => {
    assert.equal(eventSummaryText('query', 'something new'), 'something new');
  });
});

describe("a refusal's detail in Chinese", () => {
  const cases: Array<[string, string]> = [
    [new InvalidSignature('does not verify', 'unknown_key').message, '签名无效：签名与报文内容不符'],
    [new InvalidSignature('no sign').message, '签名无效：没有签名'],
    [new InvalidSignature('sign_type "RSA" is not RSA2').message, '签名无效：签名类型 RSA 不是本商户使用的 RSA2'],
    [new NotOurMerchant('app_id', '2021').message, '应用 ID（app_id） 2021 不是本商户的'],
    [new WrongChannel('return', 'a return carries no notify_type').message, '不是同步返回应有的消息：同步返回不应带 notify_type'],
    [
      new WrongChannel('notify', 'notify_type "x" is not trade_status_sync').message,
      '不是异步通知应有的消息：notify_type 为 x，应为 trade_status_sync',
    ],
    [new OrderNotFound('O9').message, '本店没有订单 O9'],
    [new MalformedCallback('parameter "sign" appears twice').message, '参数 sign 出现了两次'],
    ['accepted after repair: plus_became_space', '修复传输中的损坏后验签通过，已接受（见签名诊断）'],
  ];
  for (const [detail, chinese] of cases) {
    it(`reads “${detail}”`, () => {
      assert.equal(rejectionDetailText(detail), chinese);
      assert.deepEqual(englishWords(chinese), []);
    });
  }

  it('shows a detail it does not know after 原文, nothing lost', () => {
    assert.equal(rejectionDetailText('a new kind of refusal'), '原文：a new kind of refusal');
  });

  it("reads a replay's outcome", () => {
    assert.equal(replayDetailText('recorded'), '已记录支付');
    assert.equal(replayDetailText('duplicate after repair: html_escaped'), '修复传输中的损坏后验签通过：此前已记录');
    assert.equal(
      replayDetailText(`PAYMENT_NEEDS_REVIEW: ${new PaymentNeedsReview('O1', 'T1', 'ORDER_CANCELED').message}`),
      '已记录支付，留待人工核对：订单已取消',
    );
    assert.equal(replayDetailText(`ORDER_NOT_FOUND: ${new OrderNotFound('O7').message}`), '仍被拒绝：本店没有订单 O7');
  });
});

describe('an unreadable bill line in Chinese', () => {
  it('reads the reasons the bill parser gives', () => {
    assert.equal(billProblemText('第 19 行：订单金额（元） "abc" is not an amount'), '第 19 行：订单金额（元） abc 不是金额');
    assert.equal(billProblemText('第 7 行：no 支付宝交易号'), '第 7 行：缺少支付宝交易号');
    assert.equal(billProblemText('第 8 行：12 cells where the header names 25 columns'), '第 8 行：有 12 个单元格，表头却有 25 列');
    assert.equal(billProblemText('第 9 行：something else'), '第 9 行：原文：something else');
    assert.equal(billProblemText('另有 3 行无法读取'), '另有 3 行无法读取');
  });
});
