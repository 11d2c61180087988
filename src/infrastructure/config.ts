import { availableParallelism } from 'node:os';
import type { SignType } from '../application/ports/signature-verifier.ts';
import type { StatusAfterPayment } from '../domain/order-status.ts';
import { ConfigError } from './config-values.ts';
import { SANDBOX_APP_ID, type SettingName, type SettingValue, settingValue } from './settings.ts';

export { ConfigError, SANDBOX_APP_ID };

export interface Config {
  readonly production: boolean;
  readonly host: string;
  readonly port: number;
  /** Where browsers and Alipay reach us; null: this server's own address once it listens. */
  readonly publicUrl: string | null;
  /** SHOP_URL without its trailing slash: Meiduo's front end, where shopper pages link to; null: the demo shop. */
  readonly shopUrl: string | null;
  /** postgres:// URL; when null, PGlite in dataDir. */
  readonly databaseUrl: string | null;
  readonly dataDir: string;
  /** Connections per process to PostgreSQL. */
  readonly databasePoolSize: number;
  readonly logLevel: string;
  /** Addresses or CIDRs of the proxies whose X-Forwarded-For names the client. */
  readonly trustedProxies: readonly string[];
  /** Processes serving HTTP (node:cluster); 1 under Deno and with PGlite. */
  readonly webConcurrency: number;
  /** Which SignatureVerifier adapter checks Alipay's signatures. */
  readonly signatureVerifier: 'native' | 'forge';
  /** Which adapters hold orders and payments: prepared SQL on the driver, or Objection models. */
  readonly repositories: 'sql' | 'objection';
  readonly alipay: {
    readonly appId: string;
    readonly sellerId: string | null;
    readonly signType: SignType;
    /** ALIPAY_PUBLIC_KEY, which wins over the file. */
    readonly publicKey: string | null;
    readonly publicKeyFile: string;
    readonly appPrivateKeyFile: string;
    /** A gateway URL, or 'sandbox' for the local one. */
    readonly gateway: string;
    /** Bounds every call to Alipay's gateway. */
    readonly httpTimeoutMs: number;
    /** ALIPAY_PAY_TIMEOUT: how long a pay URL can still pay (its time_expire). */
    readonly payTimeoutMs: number;
    /** ALIPAY_QUERY_SCHEDULE: offsets (ms) at which an unpaid order is asked about; null when off. */
    readonly querySchedule: readonly number[] | null;
  };
  /** RECONCILE_AT: when yesterday is reconciled, in minutes after midnight Beijing time; null when off. */
  readonly reconcileAtMinutes: number | null;
  /** RECONCILE_CATCH_UP_DAYS: how many days back a day not yet reconciled is still done. */
  readonly reconcileCatchUpDays: number;
  /** PAYMENT_EVENT_RETENTION_DAYS: how long an order's timeline events (pay URLs, notifies, queries) are kept. */
  readonly paymentEventRetentionDays: number;
  readonly statusAfterPayment: StatusAfterPayment;
  /** HTTP Basic credentials of the admin view; a null password is generated at start-up (never in production). */
  readonly admin: { readonly user: string; readonly password: string | null };
  /** Bounds of the audit trail of rejected returns and notifies. */
  readonly rejections: { readonly maxRows: number; readonly maxAgeDays: number };
}

/**
 * Reads and validates the environment: each variable as SETTINGS (settings.ts) declares it, then the rules
 * between them. The gateway, the database and our identity at Alipay are read first: of several bad
 * settings, one of those is the one reported.
 * @throws ConfigError naming the variable
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const read = (name: SettingName): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  const production = settingValue('NODE_ENV', read('NODE_ENV'), false) === 'production';
  const setting = <N extends SettingName>(name: N): SettingValue<N> => settingValue(name, read(name), production);

  const gateway = setting('ALIPAY_GATEWAY');
  const databaseUrl = setting('DATABASE_URL');
  const publicUrl = setting('PUBLIC_URL');
  const appId = setting('ALIPAY_APP_ID');
  const signType = setting('ALIPAY_SIGN_TYPE');
  if (production && signType === 'RSA' && !setting('ALIPAY_ALLOW_SHA1')) {
    throw new ConfigError(
      'ALIPAY_SIGN_TYPE',
      'RSA (SHA1withRSA) is weak: switch the app to RSA2 in the Alipay console, or set ALIPAY_ALLOW_SHA1=true to accept it knowingly',
    );
  }

  return {
    production,
    host: setting('HOST'),
    port: setting('PORT'),
    publicUrl,
    shopUrl: setting('SHOP_URL'),
    databaseUrl,
    dataDir: setting('DATA_DIR'),
    databasePoolSize: setting('DATABASE_POOL_SIZE'),
    logLevel: setting('LOG_LEVEL'),
    trustedProxies: setting('TRUSTED_PROXIES') ?? [],
    webConcurrency: webConcurrency(setting('WEB_CONCURRENCY'), production, databaseUrl !== null),
    signatureVerifier: setting('SIGNATURE_VERIFIER'),
    repositories: setting('REPOSITORIES'),
    alipay: {
      appId,
      sellerId: setting('ALIPAY_SELLER_ID'),
      signType,
      publicKey: setting('ALIPAY_PUBLIC_KEY'),
      publicKeyFile: setting('ALIPAY_PUBLIC_KEY_FILE'),
      appPrivateKeyFile: setting('APP_PRIVATE_KEY_FILE'),
      gateway,
      httpTimeoutMs: setting('ALIPAY_HTTP_TIMEOUT'),
      payTimeoutMs: setting('ALIPAY_PAY_TIMEOUT'),
      querySchedule: setting('ALIPAY_QUERY_SCHEDULE'),
    },
    reconcileAtMinutes: setting('RECONCILE_AT'),
    reconcileCatchUpDays: setting('RECONCILE_CATCH_UP_DAYS'),
    paymentEventRetentionDays: setting('PAYMENT_EVENT_RETENTION_DAYS'),
    admin: { user: setting('ADMIN_USER'), password: setting('ADMIN_PASSWORD') },
    rejections: { maxRows: setting('REJECTION_MAX_ROWS'), maxAgeDays: setting('REJECTION_RETENTION_DAYS') },
    statusAfterPayment: setting('ORDER_STATUS_AFTER_PAYMENT'),
  };
}

/** WEB_CONCURRENCY, or unset: 1, and the number of CPUs in production unless on PGlite, which one process only can open. */
function webConcurrency(processes: number | null, production: boolean, postgres: boolean): number {
  const chosen = processes ?? (production ? availableParallelism() : 1);
  if (chosen > 1 && !postgres) {
    if (processes === null) return 1;
    throw new ConfigError('WEB_CONCURRENCY', 'above 1 needs DATABASE_URL: PGlite can be opened by one process only');
  }
  return chosen;
}
