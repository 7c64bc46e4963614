import { inject } from 'vitest';

/**
 * Makes sure a tenant of the integration store has a production model, training a boosting-only
 * one through the registry path when it has none (the demo seeding may already have made one).
 * Returns the production version id.
 */
export async function ensureProductionModel(tenantId = 'demo'): Promise<string> {
  process.env.FORESIGHT_HOME = inject('home');
  const { productionVersion } = await import('../../lib/registry/store');
  const existing = await productionVersion(tenantId);
  if (existing) return existing.id;
  const { trainAndRegister } = await import('../../lib/training/register');
  const { SYSTEM_ACTOR } = await import('../../lib/audit');
  const { version } = await trainAndRegister(tenantId, { algorithms: ['gbm'] }, SYSTEM_ACTOR);
  const now = await productionVersion(tenantId);
  if (!now) throw new Error(`training ${tenantId} registered ${version.id} but nothing is in production`);
  return now.id;
}
