/** Meiduo's order statuses, stored as smallint in tb_order_info.status. */
export const OrderStatus = {
  UNPAID: 1,
  UNSEND: 2,
  UNRECEIVED: 3,
  UNCOMMENT: 4,
  FINISHED: 5,
  CANCELED: 6,
} as const;
export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus];

/** Meiduo's pay methods, stored as smallint in tb_order_info.pay_method. */
export const PayMethod = { CASH: 1, ALIPAY: 2 } as const;
export type PayMethod = (typeof PayMethod)[keyof typeof PayMethod];

/** Where a confirmed payment leaves an order: the seed's UNCOMMENT, or UNSEND for shops that ship after paying. */
export type StatusAfterPayment = typeof OrderStatus.UNCOMMENT | typeof OrderStatus.UNSEND;
