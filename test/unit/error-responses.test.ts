import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import Koa from 'koa';
import views from 'koa-views';
import pino from 'pino';
import {
  DuplicatePayment,
  InvalidQuery,
  InvalidSignature,
  MalformedCallback,
  NotOurMerchant,
  OrderContended,
  RefundNotifyEarly,
  StoreUnavailable,
  WrongChannel,
} from '../../src/application/errors.ts';
import { DiscrepancyNotPending } from '../../src/domain/discrepancy.ts';
import {
  IllegalTransition,
  InvalidMoney,
  OrderNotFound,
  OrderNotPayable,
  PaymentNeedsReview,
  ReviewReason,
  TradeNoConflict,
} from '../../src/domain/errors.ts';
import { InvalidOperatorInput } from '../../src/domain/operator.ts';
import { OrderStatus } from '../../src/domain/order-status.ts';
import { RefundNotAllowed } from '../../src/domain/refund.ts';
import { InvalidReviewNote, ReviewNotPending } from '../../src/domain/review.ts';
import { type AppState, type ReplyFormat, replyAs } from '../../src/interfaces/http/app-state.ts';
import { errorHandler } from '../../src/interfaces/http/middleware/error-handler.ts';
import { ERROR_PAGES, type HttpErrorCode } from '../../src/interfaces/http/middleware/error-responses.ts';
import { VIEWS_DIR } from '../../src/interfaces/http/views-dir.ts';

/** One error of every code that has a response: a code added without an example does not compile. */
const EXAMPLES: Record<HttpErrorCode, () => Error> = {
  MALFORMED_CALLBACK: () => new MalformedCallback('a % escape is not followed by two hex digits'),
  INVALID_SIGNATURE: () => new InvalidSignature('does not verify'),
  NOT_OUR_MERCHANT: () => new NotOurMerchant('app_id', '2021000000000999'),
  WRONG_CHANNEL: () => new WrongChannel('return', 'a page return carries no notify_type'),
  ORDER_NOT_FOUND: () => new OrderNotFound('20261126000000000000001'),
  ORDER_NOT_PAYABLE: () => new OrderNotPayable('20261126000000000000001'),
  PAYMENT_NEEDS_REVIEW: () => new PaymentNeedsReview('20261126000000000000001', 'T1', ReviewReason.AMOUNT_MISMATCH),
  TRADE_NO_CONFLICT: () => new TradeNoConflict('T1', '20261126000000000000002', '20261126000000000000001'),
  ORDER_CONTENDED: () => new OrderContended('20261126000000000000001', 'T1'),
  STORE_UNAVAILABLE: () => new StoreUnavailable(),
  INVALID_QUERY: () => new InvalidQuery('limit', 'limit must be from 1 to 200'),
  REVIEW_NOT_PENDING: () => new ReviewNotPending('T1', 'resolved'),
  INVALID_REVIEW_NOTE: () => new InvalidReviewNote('empty'),
  DISCREPANCY_NOT_PENDING: () => new DiscrepancyNotPending('2026-11-30 O1 T1', 'resolved'),
  REFUND_NOTIFY_EARLY: () => new RefundNotifyEarly('T1'),
  REFUND_NOT_ALLOWED: () => new RefundNotAllowed('EXCEEDS_REMAINING', '10.00 is more than the 5.00 left to refund'),
  INVALID_OPERATOR_INPUT: () => new InvalidOperatorInput('role must be operator or viewer'),
};

async function answer(error: Error, format: ReplyFormat = 'page') {
  const app = new Koa<AppState>();
  app.silent = true;
  app.use(async (ctx, next) => {
    ctx.state.log = pino({ level: 'silent' });
    await next();
  });
  app.use(views(VIEWS_DIR, { extension: 'pug', options: { basedir: VIEWS_DIR } }));
  app.use(errorHandler);
  app.use(replyAs(format));
  app.use(() => {
    throw error;
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return { status: response.status, body: await response.text(), retryAfter: response.headers.get('retry-after') };
  } finally {
    server.close();
  }
}

describe('the error → response table', () => {
  for (const [code, make] of Object.entries(EXAMPLES) as Array<[HttpErrorCode, () => Error]>) {
    it(`answers ${code} with ${ERROR_PAGES[code].status} ${ERROR_PAGES[code].title}`, async () => {
      const { status, body, retryAfter } = await answer(make());
      assert.equal(status, ERROR_PAGES[code].status);
      assert.match(body, new RegExp(ERROR_PAGES[code].title));
      assert.equal(retryAfter, status === 503 ? '5' : null);
    });
  }

  it('answers contention as busy in every format: a refresh or a retry by Alipay will succeed', async () => {
    const page = await answer(new OrderContended('1', 'T1'));
    assert.deepEqual([page.status, page.retryAfter], [503, '5']);
    assert.match(page.body, /请稍后刷新本页面/);
    assert.equal((await answer(new OrderContended('1', 'T1'), 'json')).body, JSON.stringify({ code: '503', errmsg: '系统繁忙' }));
    assert.deepEqual(await answer(new OrderContended('1', 'T1'), 'alipay-notify'), { status: 503, body: 'failure', retryAfter: null });
  });

  it('answers what must never reach the edge with 500 系统错误: a repository signal, a corrupt stored amount, an impossible move', async () => {
    for (const error of [
      new DuplicatePayment('T1'),
      new InvalidMoney('3798.0x'),
      new IllegalTransition(OrderStatus.FINISHED, OrderStatus.UNPAID),
      new Error('boom'),
    ]) {
      const { status, body } = await answer(error);
      assert.equal(status, 500, error.name);
      assert.match(body, /系统错误/);
      assert.doesNotMatch(body, /非法请求|3798\.0x|T1/);
    }
  });
});
