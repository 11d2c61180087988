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

  forget(key: string): void {
    this.windows.delete(key);
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

  /** Drops ended windows, and then the oldest, so that a flood of addresses cannot grow the map. */
  private evict(): void {
    const now = this.now();
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
    for (const key of this.windows.keys()) {
      if (this.windows.size < MAX_KEYS) break;
      this.windows.delete(key);
    }
  }
}

const MAX_KEYS = 10_000;
