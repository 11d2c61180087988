/**
 * Counts events per client address in fixed windows. In this process's memory: each cluster worker
 * counts on its own, which bounds a guesser all the same. At most MAX_KEYS addresses are remembered.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whole seconds until `key` may act again; 0 when it may act now. */
  retryAfter(key: string): number {
    const window = this.current(key);
    return window && window.count >= this.limit ? Math.max(1, Math.ceil((window.endsAt - this.now()) / 1000)) : 0;
  }

  /** Counts one event of `key`; then as retryAfter. */
  hit(key: string): number {
    const window = this.current(key) ?? this.open(key);
    window.count += 1;
    return window.count > this.limit ? this.retryAfter(key) : 0;
  }

  private current(key: string) {
    const window = this.windows.get(key);
    if (window && window.endsAt <= this.now()) this.windows.delete(key);
    return window && window.endsAt > this.now() ? window : undefined;
  }

  private open(key: string) {
    if (this.windows.size >= MAX_KEYS) this.evict();
    const window = { count: 0, endsAt: this.now() + this.windowMs };
    this.windows.set(key, window);
    return window;
  }

  /**
   * Drops ended windows, then the oldest open ones, and the oldest locked ones only as a last resort:
   * a flood of fresh addresses must neither grow the map nor wipe the lockouts it is meant to keep.
   */
  private evict(): void {
    const now = this.now();
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
    for (const locked of [false, true]) {
      for (const [key, window] of this.windows) {
        if (this.windows.size < MAX_KEYS) return;
        if (window.count >= this.limit === locked) this.windows.delete(key);
      }
    }
  }
}

/**
 * What a limit counts by: the address, or for IPv6 its /64, which one client holds whole and could
 * otherwise walk through address by address.
 */
export function clientKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((group) => group.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

const MAX_KEYS = 10_000;
