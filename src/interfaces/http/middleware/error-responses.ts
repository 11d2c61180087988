import { ApplicationError, type ApplicationErrorCode } from '../../../application/errors.ts';
import { DomainError, type DomainErrorCode, type ReviewReason } from '../../../domain/errors.ts';

/**
 * The codes that can reach a response. INVALID_MONEY and ILLEGAL_TRANSITION cannot: adapters turn bad
 * amounts into MalformedCallback (a message) or a corrupt-row error (storage), and the domain only ever
 * moves a paid order along a legal edge. TRADE_QUERY_FAILED and BILL_UNREADABLE belong to the scheduler and
 * the CLI, which ask Alipay; no request does. Should one arrive all the same, it is a bug: 500.
 */
export type HttpErrorCode = Exclude<
  DomainErrorCode | ApplicationErrorCode,
  'INVALID_MONEY' | 'ILLEGAL_TRANSITION' | 'TRADE_QUERY_FAILED' | 'BILL_UNREADABLE' | 'REFUND_CALL_FAILED'
>;

export interface ErrorPage {
  readonly status: number;
  readonly title: string;
  readonly message: string;
  readonly logLevel: 'info' | 'warn' | 'error';
  /** Money may have moved: show the support line. */
  readonly contactSupport?: boolean;
  /** What happens next, when the shopper may worry about a payment. */
  readonly whatNext?: string;
}

// A real return damaged on its way here lands on this page too: its payment still reaches the shop by
// the notify or by our own alipay.trade.query, so the shopper is told not to pay again.
const FORBIDDEN: ErrorPage = {
  status: 403,
  title: '非法请求',
  message: '无法确认本次支付结果：这个页面收到的支付信息未能通过校验，因此未作处理。',
  whatNext:
    '如果您已在支付宝付款，款项不会丢失：商城会自动向支付宝核实，订单状态稍后更新，请勿重复付款。请到“我的订单”查看，如有疑问请联系客服。',
  logLevel: 'warn',
  contactSupport: true,
};
const BUSY: ErrorPage = { status: 503, title: '系统繁忙', message: '请稍后刷新本页面，您的付款不会丢失。', logLevel: 'error' };
const NEEDS_SUPPORT: ErrorPage = {
  status: 409,
  title: '支付需人工核对',
  message: '您的付款已收到，但订单无法自动更新。请联系客服处理，我们会尽快为您核实。',
  logLevel: 'error',
  contactSupport: true,
};

// A new code without a page does not compile.
export const ERROR_PAGES: Readonly<Record<HttpErrorCode, ErrorPage>> = {
  MALFORMED_CALLBACK: FORBIDDEN,
  INVALID_SIGNATURE: FORBIDDEN,
  NOT_OUR_MERCHANT: FORBIDDEN,
  WRONG_CHANNEL: FORBIDDEN,
  // Alipay says the money moved, yet we have no such order: someone must look at once.
  ORDER_NOT_FOUND: {
    status: 404,
    title: '订单不存在',
    message: '未找到该笔支付对应的订单。如您已付款，请联系客服。',
    logLevel: 'error',
    contactSupport: true,
  },
  ORDER_NOT_PAYABLE: { status: 400, title: '订单信息错误', message: '该订单不存在、已支付或不支持支付宝支付。', logLevel: 'info' },
  PAYMENT_NEEDS_REVIEW: NEEDS_SUPPORT,
  TRADE_NO_CONFLICT: NEEDS_SUPPORT,
  // Contention, not failure: nothing was written, and a refresh records the payment.
  ORDER_CONTENDED: BUSY,
  STORE_UNAVAILABLE: BUSY,
  INVALID_QUERY: { status: 400, title: '查询参数错误', message: '请检查筛选条件后重试。', logLevel: 'info' },
  // Staff's review actions: the admin shows these in its own layout.
  REVIEW_NOT_PENDING: { status: 409, title: '无需处理', message: '这笔支付不在待核对队列中，或已由他人处理。', logLevel: 'info' },
  INVALID_REVIEW_NOTE: { status: 400, title: '处理说明有误', message: '请填写处理说明（最多 500 字），说明做了什么。', logLevel: 'info' },
  DISCREPANCY_NOT_PENDING: {
    status: 409,
    title: '无需处理',
    message: '这条对账差异已由他人处理，或已不在该日的对账结果中（可能已重新对账）。请返回对账页面刷新后查看。',
    logLevel: 'info',
  },
  INVALID_OPERATOR_INPUT: {
    status: 400,
    title: '账号信息有误',
    message: '账号名为小写字母开头的 1 至 32 位小写字母、数字、“.”“_”或“-”；密码至少 12 位。',
    logLevel: 'info',
  },
  // Only Alipay's notify meets it: `failure`, and Alipay sends the notify again minutes later.
  REFUND_NOTIFY_EARLY: { status: 503, title: '系统繁忙', message: '请稍后重试。', logLevel: 'info' },
  // The refund form says which rule the amount or reason broke, next to the field.
  REFUND_NOT_ALLOWED: { status: 400, title: '无法退款', message: '请检查退款金额与退款原因后重试。', logLevel: 'info' },
};

/** The code of an error that has a response of its own; undefined for anything else, which is a 500. */
export function httpErrorCode(error: unknown): HttpErrorCode | undefined {
  const known = error instanceof DomainError || error instanceof ApplicationError;
  return known && Object.hasOwn(ERROR_PAGES, error.code) ? (error.code as HttpErrorCode) : undefined;
}

/**
 * An authentic notify whose payment we recorded for review is handled: Alipay retrying would change
 * nothing, so it gets `success`. Every other failure gets `failure`, and a 5xx makes Alipay retry.
 */
export const NOTIFY_HANDLED: ReadonlySet<HttpErrorCode> = new Set(['PAYMENT_NEEDS_REVIEW', 'TRADE_NO_CONFLICT']);

export const UNEXPECTED_PAGE: ErrorPage = { status: 500, title: '系统错误', message: '服务器出现错误，请稍后重试。', logLevel: 'error' };
export const NOT_FOUND_PAGE: ErrorPage = { status: 404, title: '页面不存在', message: '您访问的页面不存在。', logLevel: 'info' };
export const TOO_LARGE_PAGE: ErrorPage = { status: 413, title: '请求过大', message: '请求内容超出限制。', logLevel: 'warn' };

export const REVIEW_REASON_LABELS: Record<ReviewReason, string> = {
  ORDER_CANCELED: '订单已取消',
  AMOUNT_MISMATCH: '支付金额与订单金额不符',
  ALREADY_PAID: '订单已由其他交易支付',
  PAY_METHOD_MISMATCH: '货到付款订单收到支付宝付款',
};
