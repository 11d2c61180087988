import proxyaddr from 'proxy-addr';
import { checkOperatorName } from '../domain/operator.ts';
import { parseDuration } from './durations.ts';

/** A bad setting; the process prints this one line and exits. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
  }
}

/** The start of the error for a setting production requires; settings.ts may add why. */
export const MUST_BE_SET = 'must be set when NODE_ENV=production';

// Readers of one setting each: the value, or a ConfigError naming the variable and the rule.

export function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
  }
  return value as T;
}

export function wholeNumber(name: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (!/^[0-9]+$/.test(value) || number < min || number > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`);
  }
  return number;
}

export function port(name: string, value: string): number {
  const number = Number(value);
  if (!/^[0-9]+$/.test(value) || number > 65535) {
    throw new ConfigError(name, `must be a whole number from 0 to 65535 (got ${JSON.stringify(value)})`);
  }
  return number;
}

/** An Alipay id: app id, seller id. */
export function token(name: string, value: string): string {
  if (!/^[0-9A-Za-z_-]{1,64}$/.test(value)) {
    throw new ConfigError(name, `must be letters and digits only (got ${JSON.stringify(value)})`);
  }
  return value;
}

const DURATION_EXAMPLE = 'such as 500ms, 10s, 1m or 6h';

export function duration(name: string, value: string, minMs: number, maxMs: number): number {
  const ms = parseDuration(value);
  if (ms === null || ms < minMs || ms > maxMs) {
    throw new ConfigError(
      name,
      `must be a duration from ${minMs}ms to ${maxMs / 1000}s, ${DURATION_EXAMPLE} (got ${JSON.stringify(value)})`,
    );
  }
  return ms;
}

export function querySchedule(name: string, value: string): readonly number[] | null {
  if (value === 'off') return null;
  const offsets = value.split(',').map((part) => parseDuration(part));
  const ascending = offsets.every((ms, i) => ms !== null && (i === 0 || ms > offsets[i - 1]!));
  if (!ascending || offsets.length > 20) {
    throw new ConfigError(
      name,
      `must be "off" or up to 20 ascending durations separated by commas, ${DURATION_EXAMPLE}: 1m,5m,15m,1h,6h,24h (got ${JSON.stringify(value)})`,
    );
  }
  return offsets as number[];
}

export function timeOfDay(name: string, value: string): number | null {
  if (value === 'off') return null;
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  if (!match) throw new ConfigError(name, `must be "off" or a Beijing time of day HH:MM, such as 10:30 (got ${JSON.stringify(value)})`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** A site's address (ours, the shop's) without its trailing slash: http(s), https only in production, and plain. */
export function siteUrl(name: string, value: string, production: boolean, example: string): string {
  const allowed = production ? ['https:'] : ['https:', 'http:'];
  if (!URL.canParse(value) || !plainUrl(new URL(value), value, allowed)) {
    throw new ConfigError(
      name,
      `must be ${production ? 'an https' : 'an http(s)'} URL with no query, fragment or credentials, such as ${example} (got ${JSON.stringify(value)})`,
    );
  }
  return value.replace(/\/+$/, '');
}

/** An absolute URL of one of `protocols`, with no query, fragment or credentials (`text` is how it was typed). */
export function plainUrl(url: URL, text: string, protocols: readonly string[]): boolean {
  const noQueryOrFragment = url.search === '' && url.hash === '' && !text.includes('?') && !text.includes('#');
  return protocols.includes(url.protocol) && noQueryOrFragment && url.username === '' && url.password === '';
}

export function postgresUrl(name: string, value: string): string {
  if (!isUrl(value, ['postgres:', 'postgresql:'])) throw new ConfigError(name, 'must be a postgres:// or postgresql:// URL');
  return value;
}

/** A gateway URL, or `sandbox` for the local one (never in production, where only https:// is taken). */
export function gateway(name: string, value: string, production: boolean): string {
  if (value === 'sandbox' ? production : !isUrl(value, production ? ['https:'] : ['https:', 'http:'])) {
    throw new ConfigError(
      name,
      production
        ? `must be a real Alipay gateway https:// URL when NODE_ENV=production, such as https://openapi.alipay.com/gateway.do (got ${JSON.stringify(value)})`
        : `must be a gateway URL or "sandbox" (got ${JSON.stringify(value)})`,
    );
  }
  return value;
}

export function trustedProxies(name: string, value: string): readonly string[] {
  const list = value.split(/[\s,]+/).filter(Boolean);
  try {
    proxyaddr.compile(list);
  } catch (error) {
    throw new ConfigError(
      name,
      `must be IP addresses or CIDRs separated by commas, such as 10.0.0.0/8,127.0.0.1 (${(error as Error).message})`,
    );
  }
  return list;
}

export const ADMIN_PASSWORD_RULE = 'at least 16 characters, of which at least 6 differ';

/** ADMIN_USER: the first operator's name follows the rule of every account's name. */
export function operatorName(name: string, value: string): string {
  try {
    return checkOperatorName(value);
  } catch (error) {
    throw new ConfigError(name, (error as Error).message);
  }
}

export function adminPassword(name: string, value: string, production: boolean): string {
  if (production && ([...value].length < 16 || new Set(value).size < 6)) {
    throw new ConfigError(name, `must have ${ADMIN_PASSWORD_RULE} when NODE_ENV=production`);
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
