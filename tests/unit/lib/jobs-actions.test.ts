import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Role } from '@/lib/auth/permissions';
import type { Job } from '@/lib/schemas/jobs';

// The session is the only thing faked: the wrapper, permissions, schemas and audit are real.
const session = vi.hoisted(() => ({ role: 'viewer' as Role, tenantId: 'shop' }));
const launched = vi.hoisted(() => [] as { kind: string; params: Record<string, unknown> }[]);
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));
// A POST from the app's own page, as the browser sends it.
vi.mock('next/headers', () => ({ headers: async () => new Headers({ host: 'app.test', origin: 'http://app.test' }) }));
// Only where the session comes from (next-auth's cookie, the request's headers) is replaced; the
// rest of the module (actorOf) is the real one.
vi.mock('@/lib/auth/context', async (importOriginal) => {
  const { getTenantOrThrow } = await import('@/lib/tenants');
  return {
    ...(await importOriginal<typeof import('@/lib/auth/context')>()),
    requestIp: async () => '203.0.113.9',
    currentPrincipal: async () => ({ kind: 'user', userId: `u_${session.role}`, email: `${session.role}@shop.test`, name: session.role, tenantId: session.tenantId, role: session.role, tenant: await getTenantOrThrow(session.tenantId) }),
  };
});
// No worker process: record what would have been started.
vi.mock('@/lib/jobs/spawn', () => ({
  launchJob: async (_ctx: unknown, kind: string, params: Record<string, unknown>): Promise<Partial<Job>> => {
    launched.push({ kind, params });
    return { id: 'j_0000000000000000', kind: kind as Job['kind'] };
  },
}));

const { trainAction, retrainAction } = await import('@/app/(app)/models/actions');
const { auditQuerySchema, queryAudit } = await import('@/lib/audit');
const initial = { ok: false, message: '' };
const form = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
};

beforeAll(async () => {
  process.env.FORESIGHT_HOME = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-model-actions-'));
  const { createTenant, getTenantOrThrow } = await import('@/lib/tenants');
  const { ingestDataset } = await import('@/lib/datasets/ingest');
  const { generateRetailDemo, RETAIL_FILES } = await import('@/ml/data/generator');
  const { SYSTEM_ACTOR } = await import('@/lib/audit');
  await createTenant({ id: 'shop', name: 'Shop', tier: 'enterprise' });
  await createTenant({ id: 'empty', name: 'Empty', tier: 'enterprise' });
  const demo = generateRetailDemo({ seed: 3, scale: 0.05, days: 120 });
  await ingestDataset(await getTenantOrThrow('shop'), { format: 'retail', files: RETAIL_FILES.map((name) => ({ name, bytes: demo.files[name] })) }, SYSTEM_ACTOR);
});
beforeEach(() => {
  launched.length = 0;
  session.tenantId = 'shop';
});

describe('Models page actions', () => {
  it.each(['viewer', 'analyst'] as const)('refuse a %s: no train job, no retraining cycle, the refusal audited', async (role) => {
    session.role = role;
    const train = await trainAction(initial, form({ algo_gbm: 'on' }));
    const retrain = await retrainAction(initial, form({}));
    expect(train).toMatchObject({ ok: false, message: expect.stringMatching(/role does not allow/) });
    expect(retrain).toMatchObject({ ok: false, message: expect.stringMatching(/role does not allow/) });
    expect(launched).toEqual([]);
    const denied = (await queryAudit('shop', auditQuerySchema.parse({ outcome: 'denied', actor: `${role}@shop.test` }))).records;
    expect(denied.filter((r) => r.action === 'models.train')).toHaveLength(2);
    // Who, from where and why, as the real audit actor of the session's user.
    expect(denied.find((r) => r.action === 'models.train')).toMatchObject({ actor: { type: 'user', id: `u_${role}`, label: `${role}@shop.test` }, ip: '203.0.113.9', details: { reason: `role ${role}` } });
  });

  it('let a manager start a train job with the ticked algorithms, and a retraining cycle', async () => {
    session.role = 'manager';
    const train = await trainAction(initial, form({ algo_gbm: 'on', algo_ridge: 'on', tune: 'on' }));
    expect(train.ok).toBe(true);
    expect(train.message).toMatch(/Training started \(gbm, ridge, tuned\)/);
    const retrain = await retrainAction(initial, form({}));
    expect(retrain.ok).toBe(true);
    expect(launched).toEqual([
      { kind: 'train', params: { algorithms: ['gbm', 'ridge'], tune: true } },
      { kind: 'retrain', params: { trigger: 'manual (manager@shop.test)' } },
    ]);
  });

  it('ask for at least one algorithm, and for data before training', async () => {
    session.role = 'admin';
    const none = await trainAction(initial, form({ tune: 'on' }));
    expect(none.ok).toBe(false);
    expect(JSON.stringify(none.errors)).toMatch(/at least one algorithm/);
    session.tenantId = 'empty';
    const noData = await trainAction(initial, form({ algo_ridge: 'on' }));
    expect(noData).toMatchObject({ ok: false, message: expect.stringMatching(/no data to train on/) });
    expect(launched).toEqual([]);
  });
});
