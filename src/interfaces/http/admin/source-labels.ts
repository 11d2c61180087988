import type { PaymentSource } from '../../../domain/payment.ts';

/** Where a payment or a refused callback came from, as staff read it. */
export const SOURCE_LABELS: Record<PaymentSource, string> = { return: '同步返回', notify: '异步通知', query: '主动查询' };
