import { describe, it, expect } from 'vitest';
import { RateLimiter } from '@/lib/ratelimit';

describe('RateLimiter', () => {
  it('allows the limit in a minute, refuses the next with the seconds until a token returns', () => {
    let now = 1_000_000;
    const rl = new RateLimiter(() => now);
    for (let i = 0; i < 1000; i++) {
      expect(rl.take('t', 1000).allowed).toBe(true);
      if (i % 100 === 0) now += 1000; // spread over 10 seconds
    }
    const refused = rl.take('t', 1000);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfter).toBeGreaterThan(0);
    expect(refused.retryAfter).toBeLessThanOrEqual(60);
    // The oldest calls return after a minute.
    now += 60_000 - 9_000;
    expect(rl.take('t', 1000).allowed).toBe(true);
  });

  it('peeks without spending', () => {
    const rl = new RateLimiter(() => 0);
    expect(rl.peek('p', 1)).toBe(true);
    expect(rl.peek('p', 1)).toBe(true);
    rl.take('p', 1);
    expect(rl.peek('p', 1)).toBe(false);
  });

  it('keeps keys apart', () => {
    const rl = new RateLimiter(() => 0);
    for (let i = 0; i < 3; i++) rl.take('a', 3);
    expect(rl.take('a', 3).allowed).toBe(false);
    expect(rl.take('b', 3).allowed).toBe(true);
  });

  it('never allows more than the limit in any rolling minute', () => {
    let now = 0;
    const rl = new RateLimiter(() => now);
    const allowedAt: number[] = [];
    for (let step = 0; step < 5000; step++) {
      now += 50; // 20 attempts a second, over 250 s
      if (rl.take('k', 100).allowed) allowedAt.push(now);
    }
    for (let i = 0; i + 100 < allowedAt.length; i++) expect(allowedAt[i + 100] - allowedAt[i]).toBeGreaterThanOrEqual(59_000);
  });
});
