import { z } from 'zod';
import { AppError } from './errors';
import { storage, tenantPath } from './storage';
import { TIERS_TABLE } from './tiers';
import type { Tenant } from './schemas/tenant';

/** A tenant's auto-retraining settings (docs/monitoring.md): schedule, triggers and the promotion rule. */
export const retrainingSettingsSchema = z.object({
  schedule: z.enum(['off', 'daily', 'weekly', 'monthly']),
  onDecay: z.boolean(),
  onDrift: z.boolean(),
  tune: z.boolean(),
  /** Relative WAPE improvement a challenger needs (0.01 = 1%). */
  margin: z.number().min(0).max(0.5),
  /** Relative WAPE worsening allowed on a large segment (0.05 = 5%). */
  segmentTolerance: z.number().min(0).max(0.5),
  /** Decay: production WAPE this much worse than its validation figure (0.05 = 5%). */
  decayTolerance: z.number().min(0).max(1),
  decayWindowDays: z.number().int().min(7).max(90),
  lastRunAt: z.string().nullable(),
});
export type RetrainingSettings = z.infer<typeof retrainingSettingsSchema>;

export const DEFAULT_RETRAINING: RetrainingSettings = Object.freeze({
  schedule: 'off',
  onDecay: true,
  onDrift: true,
  tune: false,
  margin: 0.01,
  segmentTolerance: 0.05,
  decayTolerance: 0.05,
  decayWindowDays: 14,
  lastRunAt: null,
}) as RetrainingSettings;

const key = (tenantId: string) => tenantPath(tenantId, 'tenants', 'retraining.json');

export async function getRetrainingSettings(tenantId: string): Promise<RetrainingSettings> {
  const stored = await storage().readJson(key(tenantId), retrainingSettingsSchema.partial());
  return { ...DEFAULT_RETRAINING, ...stored };
}

/** @throws AppError forbidden when the plan does not allow the schedule. */
export async function updateRetrainingSettings(tenant: Tenant, change: Partial<RetrainingSettings>): Promise<RetrainingSettings> {
  if (change.schedule && change.schedule !== 'off' && !TIERS_TABLE[tenant.tier].schedules.includes(change.schedule)) {
    throw new AppError('forbidden', `${change.schedule} retraining is not part of the ${TIERS_TABLE[tenant.tier].label} plan (it allows: ${TIERS_TABLE[tenant.tier].schedules.join(', ')}).`, { field: 'schedule' });
  }
  return storage().updateJson(key(tenant.id), retrainingSettingsSchema, () => ({ ...DEFAULT_RETRAINING }), (cur) => retrainingSettingsSchema.parse({ ...cur, ...change }));
}

const PERIOD_MS = { daily: 86_400_000, weekly: 7 * 86_400_000, monthly: 30 * 86_400_000 } as const;

/** When the next scheduled cycle is due, or null when the schedule is off. */
export function nextRunAt(settings: RetrainingSettings, now = new Date()): Date | null {
  if (settings.schedule === 'off') return null;
  if (!settings.lastRunAt) return now;
  return new Date(new Date(settings.lastRunAt).getTime() + PERIOD_MS[settings.schedule]);
}
