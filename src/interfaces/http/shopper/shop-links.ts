import type { Next } from 'koa';
import type { AppContext, ShopLinks } from '../app-state.ts';

// Without SHOP_URL (development only): the demo shop's pages in src/sandbox/demo-shop.ts.
const DEMO_SHOP: ShopLinks = { home: '/', orders: '/sandbox/orders', userCenter: '/sandbox/orders' };

/**
 * `shopUrl`: SHOP_URL without its trailing slash (Meiduo's front end); without it, the demo shop where it
 * is mounted, and no links at all where it is not (a development start against a real gateway).
 */
export function shopLinksFor(shopUrl: string | null, demoShop = true): ShopLinks | undefined {
  if (shopUrl === null) return demoShop ? DEMO_SHOP : undefined;
  return { home: `${shopUrl}/`, orders: `${shopUrl}/user_center_order.html`, userCenter: `${shopUrl}/user_center_info.html` };
}

/** Puts the links on ctx.state.shop, which koa-views hands every template, so that no controller has to. */
export function shopLinks(shopUrl: string | null, demoShop: boolean) {
  const shop = shopLinksFor(shopUrl, demoShop);
  return async (ctx: AppContext, next: Next): Promise<void> => {
    ctx.state.shop = shop;
    await next();
  };
}
