import { z } from 'zod';
import { storage, tenantPath } from './storage';
import { findTenant } from './tenants';

/**
 * Metering (SPEC 13): API calls counted in memory and added to `tenants/<id>/usage.json`
 * (per month) every few seconds, so a busy API does not rewrite a file on each call.
 */
const usageFileSchema = z.object({ months: z.record(z.string(), z.object({ apiCalls: z.number(), predictions: z.number().default(0), trainingMinutes: z.number().default(0) })) });
export type UsageFile = z.infer<typeof usageFileSchema>;

const pending = new Map<string, number>();
let timer: NodeJS.Timeout | undefined;
const FLUSH_MS = 5_000;

const monthOf = (d = new Date()) => d.toISOString().slice(0, 7);

export function meterApiCall(tenantId: string): void {
  pending.set(tenantId, (pending.get(tenantId) ?? 0) + 1);
  timer ??= setTimeout(() => {
    timer = undefined;
    void flushUsage();
  }, FLUSH_MS);
  timer.unref?.();
}

export async function flushUsage(): Promise<void> {
  const batch = [...pending.entries()];
  pending.clear();
  const month = monthOf();
  for (const [tenantId, calls] of batch) {
    if (!(await findTenant(tenantId))) continue; // deleted meanwhile: its usage goes with it
    try {
      await storage().updateJson(tenantPath(tenantId, 'tenants', 'usage.json'), usageFileSchema, (): UsageFile => ({ months: {} }), (u) => {
        const cur = u.months[month] ?? { apiCalls: 0, predictions: 0, trainingMinutes: 0 };
        return { months: { ...u.months, [month]: { ...cur, apiCalls: cur.apiCalls + calls } } };
      });
    } catch {
      // The tenant was deleted meanwhile: its usage goes with it.
    }
  }
}

export async function readUsage(tenantId: string): Promise<UsageFile> {
  return (await storage().readJson(tenantPath(tenantId, 'tenants', 'usage.json'), usageFileSchema)) ?? { months: {} };
}

const flushedCache = new Map<string, { at: number; month: string; calls: number }>();

/** Calls this month, including those not yet flushed; the stored part is re-read at most every 30 s. */
export async function apiCallsThisMonth(tenantId: string): Promise<number> {
  const month = monthOf();
  let cached = flushedCache.get(tenantId);
  if (!cached || cached.month !== month || Date.now() - cached.at > 30_000) {
    const u = await readUsage(tenantId);
    cached = { at: Date.now(), month, calls: u.months[month]?.apiCalls ?? 0 };
    flushedCache.set(tenantId, cached);
  }
  return cached.calls + (pending.get(tenantId) ?? 0);
}
