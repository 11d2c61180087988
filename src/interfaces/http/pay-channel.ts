import type { PayChannel } from '../../application/ports/payment-gateway.ts';

// Phones' browsers and in-app browsers. A tablet gets the desktop cashier: iPads and Android tablets
// show it well, and Alipay's wap cashier is laid out for a phone.
const PHONE = /\b(iPhone|iPod|Windows Phone|HarmonyOS|AlipayClient|MicroMessenger)\b|\bAndroid\b.*\bMobile\b|\bMobile\b(?!.*\biPad\b)/i;
const TABLET = /\biPad\b/i;

/** The cashier a browser gets: `override` (?channel=) when it names one, otherwise by the User-Agent. */
export function payChannelFor(userAgent: string | undefined, override: string | undefined): PayChannel | { invalid: string } {
  if (override !== undefined) return override === 'wap' || override === 'page' ? override : { invalid: override };
  const agent = userAgent ?? '';
  return PHONE.test(agent) && !TABLET.test(agent) ? 'wap' : 'page';
}
