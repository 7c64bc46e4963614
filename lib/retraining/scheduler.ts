import { listTenants } from '../tenants';
import { TIERS_TABLE } from '../tiers';
import { getRetrainingSettings, nextRunAt } from './settings';
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

const holder = processSingleton('retraining.scheduler', (): { timer?: NodeJS.Timeout } => ({}));

/**
 * Starts the retraining scheduler once per server process (a second call does nothing): every
 * `intervalMs` it asks which tenants are due and hands each to `startCycle`, which must refuse
 * overlapping cycles itself. Errors are logged, never thrown out of the timer.
 */
export function startScheduler(startCycle: (tenantId: string, trigger: string) => Promise<void>, intervalMs = 60_000): boolean {
  if (holder.timer) return false;
  const tick = async () => {
    try {
      for (const tenantId of await tenantsDueForRetraining()) {
        await startCycle(tenantId, 'schedule').catch((e: unknown) => console.error(`scheduler: ${tenantId}:`, (e as Error).message));
      }
    } catch (e) {
      console.error('scheduler tick failed:', e);
    }
  };
  holder.timer = setInterval(() => void tick(), intervalMs);
  holder.timer.unref();
  return true;
}

export function stopScheduler(): void {
  if (holder.timer) clearInterval(holder.timer);
  holder.timer = undefined;
}
