import { describe, it, expect } from 'vitest';
import { api, makeKey } from '../support/http';

describe('rate limit', () => {
  it('allows 1000 calls in a minute and answers the 1001st with 429 and Retry-After', async () => {
    const key = await makeKey('burst', 'viewer');
    const statuses: number[] = [];
    const batch = 50;
    for (let sent = 0; sent < 1000; sent += batch) {
      const results = await Promise.all(Array.from({ length: batch }, () => api('/api/v1/me', { key }).then(async (r) => (await r.arrayBuffer(), r.status))));
      statuses.push(...results);
    }
    expect(statuses.filter((s) => s === 200).length).toBe(1000);
    const res = await api('/api/v1/me', { key });
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await res.json()).toMatchObject({ error: { code: 'rate_limited' } });
  });
});
