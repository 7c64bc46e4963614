/**
 * Per-minute rate limits (docs/security.md) as token buckets whose tokens return exactly one minute after
 * they were spent: a caller gets `limit` calls in any rolling minute, the next one is refused with
 * the seconds until a token comes back. Unlike a bucket refilled continuously, a client never
 * gets more than `limit` calls in a minute, and unlike a fixed window there is no double burst at
 * a window edge. Spending is kept in 60 one-second slots per key, so memory is constant per key.
 */
import { processSingleton } from './process-state';

const WINDOW_S = 60;

interface Bucket {
  slots: Int32Array; // calls spent in each of the last 60 seconds
  stamps: Float64Array; // which second each slot holds
  limit: number;
}

export interface RateDecision {
  allowed: boolean;
  remaining: number;
  limit: number;
  /** Seconds until the next call would be allowed (only when refused). */
  retryAfter: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  /** `clock` is read on every call (by default `Date.now()` then), so a test's fake clock applies to the server's limiter too. */
  constructor(private readonly clock: () => number = () => Date.now()) {}

  /** Whether `key` has a token left, without spending it. */
  peek(key: string, limit: number): boolean {
    const b = this.buckets.get(key);
    if (!b) return limit > 0;
    const nowS = Math.floor(this.clock() / 1000);
    let used = 0;
    for (let i = 0; i < WINDOW_S; i++) if (b.stamps[i] > nowS - WINDOW_S) used += b.slots[i];
    return used < limit;
  }

  /** Spends one token of `key` if one is left. */
  take(key: string, limit: number): RateDecision {
    const nowS = Math.floor(this.clock() / 1000);
    let b = this.buckets.get(key);
    if (!b) {
      b = { slots: new Int32Array(WINDOW_S), stamps: new Float64Array(WINDOW_S).fill(-1), limit };
      this.buckets.set(key, b);
    }
    b.limit = limit;
    let used = 0;
    for (let i = 0; i < WINDOW_S; i++) {
      if (b.stamps[i] > nowS - WINDOW_S) used += b.slots[i];
      else b.slots[i] = 0;
    }
    if (used >= limit) {
      // The oldest spent tokens return first: find the first second whose tokens free a place.
      let retryAfter = WINDOW_S;
      for (let age = WINDOW_S - 1; age >= 0; age--) {
        const s = nowS - age;
        const i = ((s % WINDOW_S) + WINDOW_S) % WINDOW_S;
        if (b.stamps[i] === s && b.slots[i] > 0) {
          retryAfter = WINDOW_S - age;
          break;
        }
      }
      return { allowed: false, remaining: 0, limit, retryAfter };
    }
    const i = ((nowS % WINDOW_S) + WINDOW_S) % WINDOW_S;
    if (b.stamps[i] !== nowS) {
      b.stamps[i] = nowS;
      b.slots[i] = 0;
    }
    b.slots[i]++;
    return { allowed: true, remaining: limit - used - 1, limit, retryAfter: 0 };
  }

  reset(): void {
    this.buckets.clear();
  }
}

let limiter: RateLimiter | undefined;
/** The server's one limiter (process-wide, so every route bundle shares it). */
export function rateLimiter(): RateLimiter {
  limiter ??= processSingleton('ratelimit.limiter', () => new RateLimiter());
  return limiter;
}
