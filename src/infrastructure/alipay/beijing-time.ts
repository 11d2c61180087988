/** Alipay's timestamps: Beijing time (UTC+8), `yyyy-MM-dd HH:mm:ss`. */
export function beijingTimestamp(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}
