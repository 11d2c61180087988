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

export function querySchedule(value: string): readonly number[] | null {
  if (value === 'off') return null;
  const offsets = value.split(',').map((part) => parseDuration(part));
  const ascending = offsets.every((ms, i) => ms !== null && (i === 0 || ms > offsets[i - 1]!));
  if (!ascending || offsets.length > 20) {
    throw new ConfigError(
      'ALIPAY_QUERY_SCHEDULE',
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

/** An absolute URL of one of `protocols`, with no query, fragment or credentials (`text` is how it was typed). */
export function plainUrl(url: URL, text: string, protocols: readonly string[]): boolean {
  const noQueryOrFragment = url.search === '' && url.hash === '' && !text.includes('?') && !text.includes('#');
  return protocols.includes(url.protocol) && noQueryOrFragment && url.username === '' && url.password === '';
}
