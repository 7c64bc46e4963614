import { describe, it, expect, beforeEach } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTenant, getTenantOrThrow, setTenantStatus } from '@/lib/tenants';
import { updateRetrainingSettings } from '@/lib/retraining-settings';
import { startScheduler, stopScheduler, tenantsDueForRetraining, type SchedulerClock } from '@/lib/retraining/scheduler';

beforeEach(async () => {
  process.env.FORESIGHT_HOME = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-sched-'));
  await createTenant({ id: 'daily', name: 'D', tier: 'enterprise' });
  await createTenant({ id: 'starter', name: 'S', tier: 'starter' });
  await createTenant({ id: 'off', name: 'O', tier: 'enterprise' });
});

describe('retraining scheduler', () => {
  it('finds tenants whose schedule is due, respecting the plan and suspension', async () => {
    await updateRetrainingSettings(await getTenantOrThrow('daily'), { schedule: 'daily', lastRunAt: '2026-01-01T00:00:00Z' });
    await expect(updateRetrainingSettings(await getTenantOrThrow('starter'), { schedule: 'daily' })).rejects.toThrow(/not part of the Starter plan/);
    await updateRetrainingSettings(await getTenantOrThrow('starter'), { schedule: 'monthly', lastRunAt: '2026-01-20T00:00:00Z' });
    expect(await tenantsDueForRetraining(new Date('2026-01-01T12:00:00Z'))).toEqual([]);
    expect(await tenantsDueForRetraining(new Date('2026-01-02T00:00:01Z'))).toEqual(['daily']);
    expect((await tenantsDueForRetraining(new Date('2026-02-20T00:00:01Z'))).sort()).toEqual(['daily', 'starter']);
    await setTenantStatus('daily', 'suspended');
    expect(await tenantsDueForRetraining(new Date('2026-02-20T00:00:01Z'))).toEqual(['starter']);
  });

  it('starts once per process and hands due tenants to the cycle', async () => {
    await updateRetrainingSettings(await getTenantOrThrow('daily'), { schedule: 'daily', lastRunAt: '2026-01-01T00:00:00Z' });
    // A manual clock: the test fires the timer and sets the time, no wall-clock wait.
    let now = new Date('2026-01-01T12:00:00Z');
    const timers: { ms: number; tick: () => Promise<void>; stopped: boolean }[] = [];
    const clock: SchedulerClock = {
      now: () => now,
      every(ms, tick) {
        const timer = { ms, tick, stopped: false };
        timers.push(timer);
        return { stop: () => void (timer.stopped = true) };
      },
    };
    const started: string[] = [];
    expect(startScheduler(async (t, trigger) => void started.push(`${t}:${trigger}`), 20, clock)).toBe(true);
    expect(startScheduler(async () => {}, 20, clock)).toBe(false);
    expect(timers.map((t) => t.ms)).toEqual([20]);
    await timers[0].tick();
    expect(started).toEqual([]);
    now = new Date('2026-01-02T00:00:01Z');
    await timers[0].tick();
    expect(started).toEqual(['daily:schedule']);
    stopScheduler();
    expect(timers[0].stopped).toBe(true);
    expect(startScheduler(async () => {}, 20, clock)).toBe(true);
    stopScheduler();
  });
});
