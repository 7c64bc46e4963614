import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createTenant } from '@/lib/tenants';
import { createApiKey } from '@/lib/apikeys';
import { getMeRoute } from '@/lib/api/routes/me';
import type { ApiAnswer, ApiRequest } from '@/lib/api/handler';

// The route with the server's own limiter and the tier's limit, on a fake clock: a minute is a
// minute whatever the machine's speed (the API test, tests/api/ratelimit.test.ts, checks the
// running server with a small limit).
let home: string;
let key: string;

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2024-05-02T08:00:00.000Z'));
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-api-rate-'));
  process.env.FORESIGHT_HOME = home;
  await createTenant({ id: 'burst', name: 'Burst', tier: 'enterprise' });
  key = (await createApiKey('burst', { name: 'ci', role: 'viewer', createdBy: 't' })).secret;
});
afterAll(async () => {
  vi.useRealTimers();
  await fs.rm(home, { recursive: true, force: true });
});

function call(): Promise<ApiAnswer> {
  const req: ApiRequest = {
    method: 'GET',
    pathname: '/api/v1/me',
    searchParams: new URLSearchParams(),
    header: (name) => (name.toLowerCase() === 'authorization' ? `Bearer ${key}` : null),
    text: async () => '',
    body: () => Readable.from([]),
    principal: async () => null,
  };
  return getMeRoute.serve(req, {});
}

const status = (a: ApiAnswer) => ('response' in a ? a.response.status : a.status);

describe('rate limit of an API route', () => {
  it('allows 1000 calls in a minute and answers the 1001st with 429 and Retry-After, then allows calls again as the oldest return', async () => {
    const statuses: number[] = [];
    // 1,000 calls spread over the first 59 seconds of the minute.
    for (let i = 0; i < 1000; i++) {
      statuses.push(status(await call()));
      vi.advanceTimersByTime(59);
    }
    expect(statuses.filter((s) => s === 200).length).toBe(1000);
    const refused = await call();
    expect(status(refused)).toBe(429);
    if ('response' in refused) throw new Error('expected a JSON answer');
    // The calls of the minute's first second return one second from now.
    expect(refused.headers['Retry-After']).toBe('1');
    expect(refused.json).toMatchObject({ error: { code: 'rate_limited', details: { limit: 1000 } } });
    vi.advanceTimersByTime(1000);
    expect(status(await call())).toBe(200);
  });
});
