import type { AdminCredentials } from './admin-password.ts';

export interface BannerFacts {
  /** Where this server listens, such as http://127.0.0.1:8000. */
  readonly url: string;
  /** SHOP_URL: Meiduo's own front end, when configured. */
  readonly shopUrl: string | null;
  /** Whether this server hosts the demo shop (the local sandbox gateway). */
  readonly demoShop: boolean;
  readonly admin: AdminCredentials;
}

/** What a developer needs after `npm start`, in plain text: where to shop, where to administer, and how to sign in. */
export function developmentBanner({ url, shopUrl, demoShop, admin }: BannerFacts): string {
  const shop = shopUrl ?? (demoShop ? `${url}/   the demo shop` : '(none: set SHOP_URL, or ALIPAY_GATEWAY=sandbox for the demo shop)');
  const password = admin.keptIn === null ? '(as set in ADMIN_PASSWORD)' : `${admin.password}   kept in ${admin.keptIn}`;
  return [
    '',
    'meiduo-payment is ready (development)',
    `  shop      ${shop}`,
    `  admin     ${url}/admin/payments`,
    `  user      ${admin.user}`,
    `  password  ${password}`,
    '',
  ].join('\n');
}
