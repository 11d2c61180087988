const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^([0-9]{1,9})(ms|s|m|h|d)$/;

/** Milliseconds of `500ms`, `10s`, `1m`, `6h` or `1d`; null when the text is not one of those. */
export function parseDuration(text: string): number | null {
  const match = DURATION.exec(text.trim());
  if (!match) return null;
  const ms = Number(match[1]) * UNITS[match[2]!]!;
  return ms > 0 ? ms : null;
}

/** `90s`, `1m`, `6h`: a duration in the largest unit that divides it, as configuration spells it. */
export function formatDuration(ms: number): string {
  const [unit, size] = Object.entries(UNITS)
    .reverse()
    .find(([, size]) => ms % size === 0)!;
  return `${ms / size}${unit}`;
}
