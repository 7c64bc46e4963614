import { describe, it, expect, afterAll, inject } from 'vitest';
import { api, makeKey } from '../support/http';

// The 1,000-a-minute default is counted on a fake clock in tests/unit/lib/api-ratelimit.test.ts:
// 1,001 real calls need not fit in one real minute on a busy machine. Here the running server
// applies a tenant's own limit, small enough that no clock matters, across both of its paths.
const LIMIT = 12;

async function setLimit(limit: number | undefined): Promise<void> {
  process.env.FORESIGHT_HOME = inject('home');
  const { getTenantOrThrow, setTenantQuotaOverrides } = await import('../../lib/tenants');
  const { rateLimitPerMinute: _old, ...rest } = (await getTenantOrThrow('burst')).quotaOverrides;
  await setTenantQuotaOverrides('burst', limit === undefined ? rest : { ...rest, rateLimitPerMinute: limit });
}

afterAll(async () => {
  await setLimit(undefined);
});

describe('rate limit', () => {
  it("allows the tenant's limit in a minute, over the fast path and Next.js alike, and answers the next call with 429 and Retry-After", async () => {
    const key = await makeKey('burst', 'viewer');
    await setLimit(LIMIT);
    const statuses: number[] = [];
    // /me is answered by the fast path, /models by Next.js: one limiter counts both.
    for (let i = 0; i < LIMIT; i++) {
      const res = await api(i % 2 === 0 ? '/api/v1/me' : '/api/v1/models', { key });
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 200).length).toBe(LIMIT);
    for (const path of ['/api/v1/me', '/api/v1/models']) {
      const res = await api(path, { key });
      expect(res.status).toBe(429);
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(await res.json()).toMatchObject({ error: { code: 'rate_limited', details: { limit: LIMIT } } });
    }
  });
});
