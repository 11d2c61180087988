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
const ALIPAY_NAMES = new Set(['app_id', 'sign', 'notify_type', 'trade_status_sync', 'total_amount', 'body']);
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
    [
      'notify',
      `${report({ tradeStatus: 'TRADE_CLOSED' })}: no new payment`,
      '交易关闭（未付款或已全额退款），交易号 T88，金额 ¥3,798.00：不是新的支付，未做处理',
    ],
    ['query', 'no answer to rely on: cannot reach openapi.alipay.com: ECONNREFUSED', '未得到可信的应答，稍后会再查询：无法连接支付宝'],
    [
      'query',
      'no answer to rely on: openapi.alipay.com answered HTTP 502 to alipay.trade.query',
      '未得到可信的应答，稍后会再查询：支付宝返回 HTTP 502 错误',
    ],
    ['query', 'no answer to rely on: the answer is not a JSON object', '未得到可信的应答，稍后会再查询：支付宝的应答格式无法识别'],
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

  it('reads an answer that says nothing it can use, with the facts Alipay gave', () => {
    const chinese = eventSummaryText('query', `no answer to rely on: Alipay answered ${report({ tradeStatus: 'TRADE_FINISHED' })}`);
    assert.match(chinese, /^未得到可信的应答，稍后会再查询：支付宝的应答无法识别：/);
    assert.deepEqual(englishWords(chinese), []);
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
    [
      new WrongChannel('notify', 'trade_status "WAIT_BUYER_PAY" reports no payment').message,
      '不是异步通知应有的消息：交易状态 WAIT_BUYER_PAY 并不表示已付款',
    ],
    [new MalformedCallback('a % escape is not followed by two hex digits').message, '百分号编码（%）后面不是两位十六进制数'],
    [new MalformedCallback('total_amount "12.345" is not an amount').message, 'total_amount 12.345 不是金额'],
    [
      new MalformedCallback(`parameter "body" holds '&name=': its signed text would read as other parameters`).message,
      '参数 body 的值里藏着“&参数名=”，签名内容会被读成别的参数',
    ],
  ];
  for (const [detail, chinese] of cases) {
    it(`reads “${detail}”`, () => {
      assert.equal(rejectionDetailText(detail), chinese);
      assert.deepEqual(englishWords(chinese), []);
    });
  }

  it('names the method a message came with, as Alipay spells it', () => {
    assert.equal(
      rejectionDetailText(new WrongChannel('query', 'method "alipay.trade.page.pay.return" is not alipay.trade.query').message),
      '不是主动查询应有的消息：method 为 alipay.trade.page.pay.return，应为 alipay.trade.query',
    );
  });

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
    assert.equal(
      billProblemText('第 10 行：交易创建时间 "2026/11/25" is not a yyyy-MM-dd HH:mm:ss time'),
      '第 10 行：交易创建时间 2026/11/25 不是“年-月-日 时:分:秒”格式的时间',
    );
    assert.equal(billProblemText('第 11 行：not one CSV row'), '第 11 行：不是一行完整的 CSV');
    assert.equal(billProblemText('第 12 行：not a CSV row: Quote Not Closed'), '第 12 行：不是有效的 CSV 行');
    assert.equal(
      billProblemText('第 13 行：the total line "#交易合计：" states no count (…笔) and amount'),
      '第 13 行：合计行 #交易合计： 没有写明笔数与金额',
    );
    assert.equal(billProblemText('第 14 行：the bill states #交易合计 but no #退款合计'), '第 14 行：账单有 #交易合计，却没有 #退款合计');
    assert.equal(billProblemText('另有 3 行无法读取'), '另有 3 行无法读取');
  });
});
