import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PaymentRecord } from '../../src/application/ports/payment-ledger.ts';
import type { RefundRecord } from '../../src/application/ports/refund-store.ts';
import type { Refundable } from '../../src/application/refund-payment.ts';
import { Money } from '../../src/domain/money.ts';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { RefundNotAllowed } from '../../src/domain/refund.ts';
import { checkTypedRefund, effectOfRefund, refusalErrors } from '../../src/interfaces/http/admin/refund-form.ts';
import { refundCheckNotice, refusalText, requesterText } from '../../src/interfaces/http/admin/refund-labels.ts';
import { TEST_NOW } from '../support/clock.ts';

const payment: PaymentRecord = {
  id: '1',
  orderId: 'O1',
  tradeNo: 'T1',
  amount: '88.80',
  orderStatus: OrderStatus.UNCOMMENT,
  reviewReason: null,
  resolution: null,
  source: 'notify',
  receivedAt: TEST_NOW,
};
const refundable = (over: Partial<PaymentRecord> = {}, remaining = '88.80'): Refundable => ({
  payment: { ...payment, ...over },
  paid: Money.parse('88.80'),
  remaining: Money.parse(remaining),
  refunded: Money.parse('0'),
  pending: null,
});
const refund: RefundRecord = {
  outRequestNo: 'RF1',
  orderId: 'O1',
  tradeNo: 'T1',
  amount: Money.parse('10.00'),
  reason: '缺货',
  requestedBy: 'li.wei',
  requestedAt: TEST_NOW,
  origin: 'ours',
  status: 'pending',
  settledAt: null,
  refundedAt: null,
  refusal: null,
};

// How the back office words refunds; the HTTP tests show where these texts land.
describe('the refund form and timeline texts', () => {
  it('says what happens to the order: cancelled by a full refund, unchanged otherwise, and why', () => {
    assert.deepEqual(effectOfRefund(refundable(), Money.parse('88.80')), [
      '这笔支付将全额退款：退款成功后，订单将改为“已取消”（当前：待评价）。',
    ]);
    assert.deepEqual(effectOfRefund(refundable(), Money.parse('8.80')), ['部分退款：订单状态不变（当前：待评价）。']);
    assert.deepEqual(effectOfRefund(refundable({ orderStatus: OrderStatus.CANCELED }), Money.parse('88.80')), [
      '订单状态不变（当前：已取消）。',
    ]);
    assert.deepEqual(effectOfRefund(refundable({ orderStatus: null }), Money.parse('8.80')), [
      '部分退款：订单状态不变（本系统中没有这个订单）。',
    ]);
    const resolved = { by: 'li.wei', at: TEST_NOW, note: '已联系顾客' };
    assert.deepEqual(effectOfRefund(refundable({ reviewReason: 'ALREADY_PAID', resolution: resolved }), Money.parse('8.80')), [
      '这笔支付没有记入订单，订单状态不变（当前：待评价）。',
    ]);
  });

  it('puts each refusal beside its field, in Chinese', () => {
    const at = (why: ConstructorParameters<typeof RefundNotAllowed>[0]) =>
      refusalErrors(new RefundNotAllowed(why, '', Money.parse('1.00')));
    assert.match(at('SEVERAL_PAYMENTS').payment ?? '', /多笔支付/);
    assert.match(at('INVALID_REFUND_REASON').reason ?? '', /退款原因/);
    assert.match(at('INVALID_REQUEST_NO').payment ?? '', /已失效/);
    assert.match(at('REFUND_PENDING').payment ?? '', /正在处理中/);
    const typed = checkTypedRefund({ tradeNo: 'T1', amount: '¥1.00', reason: 'a\u0000b' }, refundable());
    assert.deepEqual(typed, { errors: { reason: '退款原因含有不允许的字符，请重新填写。' } });
  });

  it('names Alipay’s refusal by its meaning, or by what Alipay said, and who asked', () => {
    assert.equal(refusalText({ subCode: 'ACQ.TRADE_NOT_EXIST', message: 'x' }), '交易不存在（ACQ.TRADE_NOT_EXIST）');
    assert.equal(refusalText({ subCode: 'ACQ.SOMETHING_NEW', message: '新的原因' }), '新的原因（ACQ.SOMETHING_NEW）');
    assert.equal(refusalText({ subCode: '', message: '' }), '支付宝拒绝了退款（无错误码）');
    assert.equal(requesterText(refund), 'li.wei');
    assert.equal(requesterText({ ...refund, origin: 'external', requestedBy: '' }), '支付宝后台');
  });

  it('tells what an operator’s 查询退款 found', () => {
    assert.equal(refundCheckNotice({ refund, asked: false, note: '' }).title, '尚未查询');
    const settled = refundCheckNotice({ refund: { ...refund, status: 'refunded' }, asked: false, note: '' });
    assert.deepEqual([settled.tone, settled.lines], ['attention', ['这笔退款此前已有结果，未再向支付宝查询。']]);
    const refused = refundCheckNotice({
      refund: { ...refund, status: 'refused', refusal: { subCode: 'ACQ.TRADE_NOT_ALLOW_REFUND', message: '' } },
      asked: true,
      note: '',
    });
    assert.deepEqual(
      [refused.tone, refused.lines],
      ['failed', ['支付宝拒绝了这笔退款：交易状态不允许退款（ACQ.TRADE_NOT_ALLOW_REFUND）。']],
    );
    const pending = refundCheckNotice({ refund, asked: true, note: 'no answer' });
    assert.equal(pending.tone, 'pending');
    assert.deepEqual(pending.facts.at(-1), { label: '技术详情', value: 'no answer' });
  });
});
