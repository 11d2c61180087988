import type { PayChannel } from '../../../application/ports/payment-gateway.ts';

// A phone says so: iPhone/iPod, Windows Phone, or "Mobile" (Android phones, in-app browsers such as
// WeChat's and Alipay's). Tablets (iPad, Android and HarmonyOS tablets: no "Mobile") and desktops,
// WeChat's desktop app included, get the desktop cashier, which shows well there.
const PHONE = /\b(?:iPhone|iPod|Windows Phone|Mobile)\b/i;
const TABLET = /\biPad\b/i;
// Only the start of a User-Agent is read: a long one costs nothing more.
const READ_CHARS = 512;

/** The cashier a browser gets: `override` (?channel=) when it names one, otherwise by the User-Agent. */
export function payChannelFor(userAgent: string | undefined, override: string | undefined): PayChannel | { invalid: string } {
  if (override !== undefined) return override === 'wap' || override === 'page' ? override : { invalid: override };
  const agent = (userAgent ?? '').slice(0, READ_CHARS);
  return PHONE.test(agent) && !TABLET.test(agent) ? 'wap' : 'page';
}
