/** An amount as Alipay takes it: 0.01 to 99999999.99 yuan, at most two decimals. */
export function isYuanAmount(text: string): boolean {
  return /^\d{1,8}(\.\d{1,2})?$/.test(text) && Number(text) >= 0.01;
}

/** Fen of a non-negative yuan amount with at most two decimals, as the sandbox's tables keep them. */
export function fenOf(yuan: string): number {
  const [whole, decimals = ''] = yuan.split('.');
  return Number(whole) * 100 + Number(decimals.padEnd(2, '0'));
}
