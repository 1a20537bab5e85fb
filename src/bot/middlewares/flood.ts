/**
 * Incoming floods: a token bucket of updates per sender (see the dispatcher for who a sender is).
 * A sender may send `burst` updates at once, then `perSecond` sustained; what is over is shed by the
 * dispatcher before any work is done for it. The buckets live in memory, O(1) per update: a bucket
 * that has filled up again is the same as none and is forgotten, and at most `maxKeys` are kept
 * (beyond that the least recently seen goes: at worst a forgotten flooder gets a fresh burst).
 */

export interface FloodOptions {
  burst: number;
  perSecond: number;
  maxKeys: number;
}

/**
 * 10 at once covers a user forwarding a few messages, a quick run of button presses, and an inline
 * query typed letter by letter; 2 a second is faster than anyone asks or types queries for long.
 * Private replies are limited further by the outbound limits (5 at once, then 1 a second).
 */
export const DEFAULT_FLOOD: FloodOptions = { burst: 10, perSecond: 2, maxKeys: 10_000 };

interface Bucket {
  tokens: number;
  at: number;
}

export class FloodGate {
  private readonly o: FloodOptions;
  /** Least recently seen first (every take moves its key to the end). */
  private readonly buckets = new Map<string, Bucket>();
  /** How long an untouched bucket takes to fill up again. */
  private readonly refillMs: number;

  constructor(
    options: Partial<FloodOptions> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.o = { ...DEFAULT_FLOOD, ...options };
    this.refillMs = (this.o.burst / this.o.perSecond) * 1_000;
  }

  /** Takes one update's token for this sender: false when the sender is over its budget (shed it). */
  take(key: string): boolean {
    const t = this.now();
    const b = this.buckets.get(key);
    let tokens = this.o.burst;
    if (b) {
      tokens = Math.min(this.o.burst, b.tokens + ((t - b.at) / 1_000) * this.o.perSecond);
      this.buckets.delete(key);
    }
    const ok = tokens >= 1;
    this.buckets.set(key, { tokens: ok ? tokens - 1 : tokens, at: t });
    this.forget(t);
    return ok;
  }

  /** Senders remembered (for tests: memory stays bounded). */
  get size(): number {
    return this.buckets.size;
  }

  /** Drops buckets from the least recently seen end: the full again, and any beyond maxKeys. */
  private forget(t: number): void {
    for (const [key, b] of this.buckets) {
      if (this.buckets.size <= this.o.maxKeys && t - b.at < this.refillMs) return;
      this.buckets.delete(key);
    }
  }
}
