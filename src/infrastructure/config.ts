import { availableParallelism } from 'node:os';
import proxyaddr from 'proxy-addr';
import type { SignType } from '../application/ports/signature-verifier.ts';
import { OrderStatus, type StatusAfterPayment } from '../domain/order-status.ts';
import { ConfigError, duration, oneOf, plainUrl, querySchedule, timeOfDay, wholeNumber } from './config-values.ts';

export { ConfigError };

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

/** The app id the local sandbox signs for; never valid in production. */
export const SANDBOX_APP_ID = '2021000000000001';
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads and validates the environment. @throws ConfigError naming the variable */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  const nodeEnv = oneOf('NODE_ENV', read('NODE_ENV') ?? 'development', ['development', 'test', 'production']);
  const production = nodeEnv === 'production';
  const required = (name: string, fallback: string): string => {
    const value = read(name);
    if (value !== undefined) return value;
    if (production) throw new ConfigError(name, 'must be set when NODE_ENV=production');
    return fallback;
  };

  const gateway = required('ALIPAY_GATEWAY', 'sandbox');
  if (gateway === 'sandbox' ? production : !isUrl(gateway, production ? ['https:'] : ['https:', 'http:'])) {
    throw new ConfigError(
      'ALIPAY_GATEWAY',
      production
        ? `must be a real Alipay gateway https:// URL when NODE_ENV=production, such as https://openapi.alipay.com/gateway.do (got ${JSON.stringify(gateway)})`
        : `must be a gateway URL or "sandbox" (got ${JSON.stringify(gateway)})`,
    );
  }
  const databaseUrl = read('DATABASE_URL') ?? null;
  if (databaseUrl !== null && !isUrl(databaseUrl, ['postgres:', 'postgresql:'])) {
    throw new ConfigError('DATABASE_URL', 'must be a postgres:// or postgresql:// URL');
  }
  const publicUrl = publicUrlOf(read('PUBLIC_URL'), production);
  const appId = required('ALIPAY_APP_ID', SANDBOX_APP_ID);
  if (production && appId === SANDBOX_APP_ID) throw new ConfigError('ALIPAY_APP_ID', 'is the sandbox app id');
  const signType = oneOf('ALIPAY_SIGN_TYPE', read('ALIPAY_SIGN_TYPE') ?? 'RSA2', ['RSA2', 'RSA'] as const);
  if (production && signType === 'RSA' && read('ALIPAY_ALLOW_SHA1') !== 'true') {
    throw new ConfigError(
      'ALIPAY_SIGN_TYPE',
      'RSA (SHA1withRSA) is weak: switch the app to RSA2 in the Alipay console, or set ALIPAY_ALLOW_SHA1=true to accept it knowingly',
    );
  }

  return {
    production,
    host: read('HOST') ?? (production ? '0.0.0.0' : '127.0.0.1'),
    port: port(read('PORT') ?? '8000'),
    publicUrl,
    shopUrl: shopUrlOf(read('SHOP_URL'), production),
    databaseUrl,
    dataDir: read('DATA_DIR') ?? 'var/pglite',
    databasePoolSize: wholeNumber('DATABASE_POOL_SIZE', read('DATABASE_POOL_SIZE') ?? '10', 1, 100),
    logLevel: oneOf('LOG_LEVEL', read('LOG_LEVEL') ?? 'info', LOG_LEVELS),
    trustedProxies: trustedProxies(read('TRUSTED_PROXIES')),
    webConcurrency: webConcurrency(read('WEB_CONCURRENCY'), production, databaseUrl !== null),
    signatureVerifier: oneOf('SIGNATURE_VERIFIER', read('SIGNATURE_VERIFIER') ?? 'native', ['native', 'forge'] as const),
    repositories: oneOf('REPOSITORIES', read('REPOSITORIES') ?? 'sql', ['sql', 'objection'] as const),
    alipay: {
      appId: token('ALIPAY_APP_ID', appId),
      sellerId: read('ALIPAY_SELLER_ID') === undefined ? null : token('ALIPAY_SELLER_ID', read('ALIPAY_SELLER_ID')!),
      signType,
      publicKey: read('ALIPAY_PUBLIC_KEY') ?? null,
      publicKeyFile: read('ALIPAY_PUBLIC_KEY_FILE') ?? 'keys/alipay_public_key.pem',
      appPrivateKeyFile: read('APP_PRIVATE_KEY_FILE') ?? 'keys/app_private_key.pem',
      gateway,
      httpTimeoutMs: duration('ALIPAY_HTTP_TIMEOUT', read('ALIPAY_HTTP_TIMEOUT') ?? '10s', 100, 120_000),
      // Alipay takes time_expire up to 15 days ahead; a minute is the least a shopper can pay in.
      payTimeoutMs: duration('ALIPAY_PAY_TIMEOUT', read('ALIPAY_PAY_TIMEOUT') ?? '30m', 60_000, 15 * 86_400_000),
      querySchedule: querySchedule(read('ALIPAY_QUERY_SCHEDULE') ?? '1m,5m,15m,1h,6h,24h'),
    },
    reconcileAtMinutes: timeOfDay('RECONCILE_AT', read('RECONCILE_AT') ?? '10:30'),
    reconcileCatchUpDays: wholeNumber('RECONCILE_CATCH_UP_DAYS', read('RECONCILE_CATCH_UP_DAYS') ?? '7', 1, 31),
    paymentEventRetentionDays: wholeNumber('PAYMENT_EVENT_RETENTION_DAYS', read('PAYMENT_EVENT_RETENTION_DAYS') ?? '400', 1, 3650),
    admin: { user: read('ADMIN_USER') ?? 'admin', password: adminPassword(read('ADMIN_PASSWORD'), production) },
    rejections: {
      maxRows: wholeNumber('REJECTION_MAX_ROWS', read('REJECTION_MAX_ROWS') ?? '100000', 10, 10_000_000),
      maxAgeDays: wholeNumber('REJECTION_RETENTION_DAYS', read('REJECTION_RETENTION_DAYS') ?? '90', 1, 3650),
    },
    statusAfterPayment:
      OrderStatus[oneOf('ORDER_STATUS_AFTER_PAYMENT', read('ORDER_STATUS_AFTER_PAYMENT') ?? 'UNCOMMENT', ['UNCOMMENT', 'UNSEND'] as const)],
  };
}

function webConcurrency(value: string | undefined, production: boolean, postgres: boolean): number {
  const processes = value === undefined ? (production ? availableParallelism() : 1) : wholeNumber('WEB_CONCURRENCY', value, 1, 64);
  // PGlite is one process's database.
  if (processes > 1 && !postgres) {
    if (value === undefined) return 1;
    throw new ConfigError('WEB_CONCURRENCY', 'above 1 needs DATABASE_URL: PGlite can be opened by one process only');
  }
  return processes;
}

const ADMIN_PASSWORD_RULE = 'at least 16 characters, of which at least 6 differ';

function adminPassword(value: string | undefined, production: boolean): string | null {
  if (value === undefined) {
    if (production) throw new ConfigError('ADMIN_PASSWORD', `must be set when NODE_ENV=production (${ADMIN_PASSWORD_RULE})`);
    return null;
  }
  if (production && ([...value].length < 16 || new Set(value).size < 6)) {
    throw new ConfigError('ADMIN_PASSWORD', `must have ${ADMIN_PASSWORD_RULE} when NODE_ENV=production`);
  }
  return value;
}

/** Where browsers and Alipay reach us; in production it must be https, since Alipay sends the shopper there. */
function publicUrlOf(value: string | undefined, production: boolean): string | null {
  if (value === undefined) {
    if (production)
      throw new ConfigError(
        'PUBLIC_URL',
        'must be set when NODE_ENV=production: the https:// address Alipay sends shoppers and notifies to, such as https://pay.example.com',
      );
    return null;
  }
  const example = production ? 'https://pay.example.com' : 'https://pay.example.com or http://127.0.0.1:8000';
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const allowed = production ? ['https:'] : ['https:', 'http:'];
  if (
    !url ||
    !allowed.includes(url.protocol) ||
    url.search !== '' ||
    url.hash !== '' ||
    value.includes('?') ||
    value.includes('#') ||
    url.username ||
    url.password
  ) {
    throw new ConfigError(
      'PUBLIC_URL',
      `must be ${production ? 'an https' : 'an http(s)'} URL with no query, fragment or credentials, such as ${example} (got ${JSON.stringify(value)})`,
    );
  }
  return value.replace(/\/+$/, '');
}

/** Meiduo's front end, which every shopper page links to (首页, 我的订单, 用户中心); in production there is no demo shop. */
function shopUrlOf(value: string | undefined, production: boolean): string | null {
  if (value === undefined) {
    if (production) {
      throw new ConfigError('SHOP_URL', "must be set when NODE_ENV=production: Meiduo's front end, such as https://www.meiduo.site");
    }
    return null;
  }
  const allowed = production ? ['https:'] : ['https:', 'http:'];
  if (!URL.canParse(value) || !plainUrl(new URL(value), value, allowed)) {
    throw new ConfigError(
      'SHOP_URL',
      `must be ${production ? 'an https' : 'an http(s)'} URL with no query, fragment or credentials, such as https://www.meiduo.site (got ${JSON.stringify(value)})`,
    );
  }
  return value.replace(/\/+$/, '');
}

function trustedProxies(value: string | undefined): readonly string[] {
  if (value === undefined) return [];
  const list = value.split(/[\s,]+/).filter(Boolean);
  try {
    proxyaddr.compile(list);
  } catch (error) {
    throw new ConfigError(
      'TRUSTED_PROXIES',
      `must be IP addresses or CIDRs separated by commas, such as 10.0.0.0/8,127.0.0.1 (${(error as Error).message})`,
    );
  }
  return list;
}

function port(value: string): number {
  const number = Number(value);
  if (!/^[0-9]+$/.test(value) || number > 65535) {
    throw new ConfigError('PORT', `must be a whole number from 0 to 65535 (got ${JSON.stringify(value)})`);
  }
  return number;
}

function token(name: string, value: string): string {
  if (!/^[0-9A-Za-z_-]{1,64}$/.test(value)) {
    throw new ConfigError(name, `must be letters and digits only (got ${JSON.stringify(value)})`);
  }
  return value;
}

function isUrl(value: string, protocols: readonly string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
