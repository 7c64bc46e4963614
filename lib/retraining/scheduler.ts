import { listTenants } from '../tenants';
import { TIERS_TABLE } from '../tiers';
import { getRetrainingSettings, nextRunAt } from '../retraining-settings';
import { processSingleton } from '../process-state';

/**
 * Which tenants are due for a scheduled retraining cycle: active, with a schedule their plan
 * allows, and whose last cycle is older than the schedule's period.
 */
export async function tenantsDueForRetraining(now = new Date()): Promise<string[]> {
  const due: string[] = [];
  for (const t of await listTenants()) {
    if (t.status !== 'active') continue;
    const s = await getRetrainingSettings(t.id);
    if (s.schedule === 'off' || !TIERS_TABLE[t.tier].schedules.includes(s.schedule)) continue;
    const next = nextRunAt(s, now);
    if (next && next <= now) due.push(t.id);
  }
  return due;
}

/** What the scheduler runs on: the time it judges "due" at, and a repeating timer. */
export interface SchedulerClock {
  now(): Date;
  /** Calls `tick` every `ms` until stopped. */
  every(ms: number, tick: () => Promise<void>): { stop(): void };
}

/** The process's clock and timers (the timer does not keep the process alive). */
export const SYSTEM_CLOCK: SchedulerClock = {
  now: () => new Date(),
  every(ms, tick) {
    const timer = setInterval(() => void tick(), ms);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  },
};

const holder = processSingleton('retraining.scheduler', (): { running?: { stop(): void } } => ({}));

/**
 * Starts the retraining scheduler once per server process (a second call does nothing): every
 * `intervalMs` of `clock` it asks which tenants are due and hands each to `startCycle`, which
 * must refuse overlapping cycles itself. Errors are logged, never thrown out of the timer.
 */
export function startScheduler(startCycle: (tenantId: string, trigger: string) => Promise<void>, intervalMs = 60_000, clock: SchedulerClock = SYSTEM_CLOCK): boolean {
  if (holder.running) return false;
  const tick = async () => {
    try {
      for (const tenantId of await tenantsDueForRetraining(clock.now())) {
        await startCycle(tenantId, 'schedule').catch((e: unknown) => console.error(`scheduler: ${tenantId}:`, (e as Error).message));
      }
    } catch (e) {
      console.error('scheduler tick failed:', e);
    }
  };
  holder.running = clock.every(intervalMs, tick);
  return true;
}

/** Stops the scheduler of this process (startScheduler may then start it again). */
export function stopScheduler(): void {
  holder.running?.stop();
  holder.running = undefined;
}
