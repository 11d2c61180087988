import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { LoadedAlipayKey } from '../infrastructure/alipay/alipay-key-loader.ts';
import type { LoadedAppKey } from '../infrastructure/alipay/app-private-key.ts';
import type { Config } from '../infrastructure/config.ts';
import type { ShopLinks } from '../interfaces/http/app-state.ts';
import { shopLinksFor } from '../interfaces/http/shopper/shop-links.ts';
import { SANDBOX_GATEWAY_PATH } from '../sandbox/sandbox-alipay.ts';
import type { Wiring } from './container.ts';

// The sandbox's seller when ALIPAY_SELLER_ID is not set (and so not checked).
const SANDBOX_SELLER_ID = '2088000000000001';

export interface WiringInputs {
  readonly config: Config;
  readonly knex: Knex;
  readonly logger: Logger;
  readonly alipayKey: LoadedAlipayKey;
  readonly appKey: LoadedAppKey;
  /** Where browsers and Alipay reach us. */
  readonly publicUrl: string;
  readonly adminPassword: string;
  /** The sandbox's private key, when the local sandbox stands in for Alipay. */
  readonly sandboxAlipayKeyPem: string | null;
}

/** What the composition root is given, from the settings and what start-up loaded. Pure: it opens nothing. */
export function wiringFor({
  config,
  knex,
  logger,
  alipayKey,
  appKey,
  publicUrl,
  adminPassword,
  sandboxAlipayKeyPem,
}: WiringInputs): Wiring {
  const { alipay } = config;
  const gatewayUrl = sandboxAlipayKeyPem !== null ? publicUrl + SANDBOX_GATEWAY_PATH : alipay.gateway;
  return {
    knex,
    logger,
    alipayPublicKey: alipayKey.publicKey,
    signType: alipay.signType,
    signatureVerifier: config.signatureVerifier,
    repositories: config.repositories,
    settings: { appId: alipay.appId, sellerId: alipay.sellerId, statusAfterPayment: config.statusAfterPayment },
    appPrivateKey: appKey.privateKey,
    pay: {
      appId: alipay.appId,
      gatewayUrl,
      returnUrl: `${publicUrl}/payment/status/`,
      notifyUrl: `${publicUrl}/payment/notify/`,
      quitUrl: quitUrlOf(shopLinksFor(config.shopUrl, sandboxAlipayKeyPem !== null), publicUrl),
      payTimeoutMs: alipay.payTimeoutMs,
    },
    openApi: { appId: alipay.appId, gatewayUrl, timeoutMs: alipay.httpTimeoutMs },
    querySchedule: alipay.querySchedule,
    reconcileAtMinutes: config.reconcileAtMinutes,
    reconcileCatchUpDays: config.reconcileCatchUpDays,
    paymentEventRetentionDays: config.paymentEventRetentionDays,
    admin: { user: config.admin.user, password: adminPassword },
    rejections: config.rejections,
    production: config.production,
    trustedProxies: config.trustedProxies,
    shopUrl: config.shopUrl,
    sandbox:
      sandboxAlipayKeyPem !== null
        ? {
            appId: alipay.appId,
            sellerId: alipay.sellerId ?? SANDBOX_SELLER_ID,
            signType: alipay.signType,
            alipayPrivateKeyPem: sandboxAlipayKeyPem,
            appPublicKeyPem: appKey.publicKeyPem,
            logger,
            knex,
          }
        : undefined,
  };
}

/** The shop's order page, absolute (the demo shop's is a path of ours); null without a shop to go back to. */
function quitUrlOf(shop: ShopLinks | undefined, publicUrl: string): string | null {
  return shop ? new URL(shop.orders, `${publicUrl}/`).href : null;
}
