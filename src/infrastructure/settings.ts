import { OrderStatus } from '../domain/order-status.ts';
import {
  ADMIN_PASSWORD_RULE,
  adminPassword,
  ConfigError,
  duration,
  gateway,
  MUST_BE_SET,
  oneOf,
  operatorName,
  port,
  postgresUrl,
  querySchedule,
  siteUrl,
  timeOfDay,
  token,
  trustedProxies,
  wholeNumber,
} from './config-values.ts';

/** What a parser knows besides the text: the variable's name, for its error, and whether production's rules apply. */
export interface SettingContext {
  readonly name: string;
  readonly production: boolean;
}

/**
 * One environment variable. Each is declared once, in SETTINGS below; loadConfig reads nothing else, and
 * README.md's configuration table is their rendering (test/unit/settings-readme.test.ts holds it to that).
 */
export interface Setting<T> {
  /** Parsed in place of an unset or blank variable; `{ unset }`: the value is null, and this says what that means. */
  readonly default: string | { readonly unset: string };
  /** Production's own rule for an unset variable: another default, or required (the error's text after the name). */
  readonly production?: { readonly default: string } | { readonly required: string };
  readonly parse: (text: string, context: SettingContext) => T;
  /** One line in English; the README's meaning column starts with it. */
  readonly doc: string;
}

/** The app id the local sandbox signs for; never valid in production. */
export const SANDBOX_APP_ID = '2021000000000001';
const REQUIRED = { required: MUST_BE_SET } as const;
const asIs = (text: string) => text;

/** Every setting, in the README's order. */
export const SETTINGS = {
  NODE_ENV: {
    default: 'development',
    parse: (text, { name }) => oneOf(name, text, ['development', 'test', 'production'] as const),
    doc: 'which rules apply: `development`, `test` or `production`',
  },
  PORT: { default: '8000', parse: (text, { name }) => port(name, text), doc: 'listening port (`0`: any free port)' },
  HOST: { default: '127.0.0.1', production: { default: '0.0.0.0' }, parse: asIs, doc: 'listening address' },
  PUBLIC_URL: {
    default: { unset: "this server's own address" },
    production: {
      required: `${MUST_BE_SET}: the https:// address Alipay sends shoppers and notifies to, such as https://pay.example.com`,
    },
    parse: (text, { name, production }) =>
      siteUrl(name, text, production, production ? 'https://pay.example.com' : 'https://pay.example.com or http://127.0.0.1:8000'),
    doc: 'where browsers and Alipay reach us: `return_url` and `notify_url` are built from it',
  },
  SHOP_URL: {
    default: { unset: 'the demo shop (`/`, `/sandbox/orders`)' },
    production: { required: `${MUST_BE_SET}: Meiduo's front end, such as https://www.meiduo.site` },
    parse: (text, { name, production }) => siteUrl(name, text, production, 'https://www.meiduo.site'),
    doc: "Meiduo's front end, which every shopper page links to",
  },
  TRUSTED_PROXIES: {
    default: { unset: 'none' },
    parse: (text, { name }) => trustedProxies(name, text),
    doc: 'addresses or CIDRs of your reverse proxies (`10.0.0.0/8,127.0.0.1`)',
  },
  DATABASE_URL: {
    default: { unset: 'embedded PGlite in `DATA_DIR`' },
    parse: (text, { name }) => postgresUrl(name, text),
    doc: "PostgreSQL's `postgres://` or `postgresql://` URL",
  },
  DATA_DIR: { default: 'var/pglite', parse: asIs, doc: "PGlite's directory" },
  ALIPAY_APP_ID: {
    default: SANDBOX_APP_ID,
    production: REQUIRED,
    parse: (text, { name, production }) => {
      if (production && text === SANDBOX_APP_ID) throw new ConfigError(name, 'is the sandbox app id');
      return token(name, text);
    },
    doc: "our app's id at Alipay: every message's `app_id` must equal it",
  },
  ALIPAY_SELLER_ID: {
    default: { unset: 'not checked' },
    parse: (text, { name }) => token(name, text),
    doc: "our seller id at Alipay: every message's `seller_id` must equal it",
  },
  ALIPAY_SIGN_TYPE: {
    default: 'RSA2',
    parse: (text, { name }) => oneOf(name, text, ['RSA2', 'RSA'] as const),
    doc: '`RSA2` (SHA256withRSA) or `RSA` (SHA1withRSA)',
  },
  ALIPAY_ALLOW_SHA1: {
    default: 'false',
    parse: (text) => text === 'true',
    doc: '`true` lets production take `ALIPAY_SIGN_TYPE=RSA` (SHA-1) knowingly; any other value does not',
  },
  ALIPAY_PUBLIC_KEY: {
    default: { unset: 'read from `ALIPAY_PUBLIC_KEY_FILE`' },
    parse: asIs,
    doc: "Alipay's public key inline: the console's bare base64, or a PEM",
  },
  ALIPAY_PUBLIC_KEY_FILE: {
    default: 'keys/alipay_public_key.pem',
    parse: asIs,
    doc: "Alipay's public key as base64, `PUBLIC KEY` or `RSA PUBLIC KEY` PEM, or a certificate (`.crt`)",
  },
  APP_PRIVATE_KEY_FILE: {
    default: 'keys/app_private_key.pem',
    parse: asIs,
    doc: "our app's private key (应用私钥, PKCS#8 or PKCS#1, PEM or bare base64), for signing pay URLs and OpenAPI requests",
  },
  ALIPAY_GATEWAY: {
    default: 'sandbox',
    production: REQUIRED,
    parse: (text, { name, production }) => gateway(name, text, production),
    doc: "Alipay's gateway URL (`https://openapi.alipay.com/gateway.do`, or Alipay's own sandbox), or `sandbox` for the local one",
  },
  ALIPAY_QUERY_SCHEDULE: {
    default: '1m,5m,15m,1h,6h,24h',
    parse: (text, { name }) => querySchedule(name, text),
    doc: 'when an UNPAID Alipay order is asked about (`alipay.trade.query`)',
  },
  RECONCILE_AT: {
    default: '10:30',
    parse: (text, { name }) => timeOfDay(name, text),
    doc: "when the server reconciles yesterday against Alipay's bill, Beijing time `HH:MM`, or `off`",
  },
  PAYMENT_EVENT_RETENTION_DAYS: {
    default: '400',
    parse: (text, { name }) => wholeNumber(name, text, 1, 3650),
    doc: "days an order's timeline events (pay URLs, notifies, questions to Alipay) are kept (1 to 3650)",
  },
  RECONCILE_CATCH_UP_DAYS: {
    default: '7',
    parse: (text, { name }) => wholeNumber(name, text, 1, 31),
    doc: 'how many days back a day not yet reconciled is still reconciled, oldest first (1 to 31)',
  },
  ALIPAY_HTTP_TIMEOUT: {
    default: '10s',
    parse: (text, { name }) => duration(name, text, 100, 120_000),
    doc: "bounds every call to Alipay's gateway, answer included (100 ms to 120 s)",
  },
  ALIPAY_PAY_TIMEOUT: {
    default: '30m',
    // Alipay takes time_expire up to 15 days ahead; a minute is the least a shopper can pay in.
    parse: (text, { name }) => duration(name, text, 60_000, 15 * 86_400_000),
    doc: 'how long a pay URL can still pay: its `time_expire` (1 minute to 15 days)',
  },
  ORDER_STATUS_AFTER_PAYMENT: {
    default: 'UNCOMMENT',
    parse: (text, { name }) => OrderStatus[oneOf(name, text, ['UNCOMMENT', 'UNSEND'] as const)],
    doc: "where a paid order goes: `UNCOMMENT` (待评价, Meiduo's rule) or `UNSEND` (待发货)",
  },
  LOG_LEVEL: {
    default: 'info',
    parse: (text, { name }) => oneOf(name, text, ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    doc: 'pino level: `fatal` … `trace`, or `silent`',
  },
  DATABASE_POOL_SIZE: {
    default: '10',
    parse: (text, { name }) => wholeNumber(name, text, 1, 100),
    doc: 'PostgreSQL connections per process (1 to 100)',
  },
  WEB_CONCURRENCY: {
    default: { unset: '`1`; the number of CPUs in production on PostgreSQL' },
    parse: (text, { name }) => wholeNumber(name, text, 1, 64),
    doc: 'HTTP worker processes (node:cluster, 1 to 64)',
  },
  SIGNATURE_VERIFIER: {
    default: 'native',
    parse: (text, { name }) => oneOf(name, text, ['native', 'forge'] as const),
    doc: "`native` (node:crypto) or `forge` (node-forge): verifies Alipay's signatures and signs our pay URLs",
  },
  REPOSITORIES: {
    default: 'sql',
    parse: (text, { name }) => oneOf(name, text, ['sql', 'objection'] as const),
    doc: '`sql` (prepared statements on the pg driver) or `objection` (Objection models)',
  },
  ADMIN_USER: {
    default: 'admin',
    parse: (text, { name }) => operatorName(name, text),
    doc: 'the first operator of `/admin/*` (more with `npm run admin -- add`)',
  },
  ADMIN_PASSWORD: {
    default: { unset: 'generated on the first start, kept in `var/admin-password` (beside `DATA_DIR`, mode 0600) and shown in the banner' },
    production: { required: `${MUST_BE_SET} (${ADMIN_PASSWORD_RULE})` },
    parse: (text, { name, production }) => adminPassword(name, text, production),
    doc: "the first operator's password (sign-in page or HTTP Basic); in production 16+ characters, 6+ of them different",
  },
  REJECTION_MAX_ROWS: {
    default: '100000',
    parse: (text, { name }) => wholeNumber(name, text, 10, 10_000_000),
    doc: 'how many rejected returns/notifies the audit trail keeps in each of its two rings (10 to 10000000)',
  },
  REJECTION_RETENTION_DAYS: {
    default: '90',
    parse: (text, { name }) => wholeNumber(name, text, 1, 3650),
    doc: 'days after which a rejected attempt is hidden at once and deleted periodically (1 to 3650)',
  },
} satisfies Record<string, Setting<unknown>>;

export type SettingName = keyof typeof SETTINGS;

/** What a setting reads as: its parser's result, or null for one whose unset state is its own. */
export type SettingValue<N extends SettingName> =
  | ReturnType<(typeof SETTINGS)[N]['parse']>
  | ((typeof SETTINGS)[N]['default'] extends string ? never : null);

/** The value of `text`, or of the setting's default when it is undefined. @throws ConfigError naming the variable */
export function settingValue<N extends SettingName>(name: N, text: string | undefined, production: boolean): SettingValue<N> {
  const setting: Setting<unknown> = SETTINGS[name];
  const whenUnset = production ? setting.production : undefined;
  if (text === undefined && whenUnset && 'required' in whenUnset) throw new ConfigError(name, whenUnset.required);
  const textOrDefault = text ?? (whenUnset && 'default' in whenUnset ? whenUnset.default : setting.default);
  return (typeof textOrDefault === 'string' ? setting.parse(textOrDefault, { name, production }) : null) as SettingValue<N>;
}
