import fs from 'node:fs';
import { inject } from 'vitest';
import { WALMART_CSV } from './paths';

/** Walmart's columns as the wizard maps them: Store the key, Weekly_Sales the target, the rest numeric. */
export const WALMART_MAPPING = { date: 'Date', target: 'Weekly_Sales', keys: { store: 'Store' }, numeric: ['Holiday_Flag', 'Temperature', 'Fuel_Price', 'CPI', 'Unemployment'] };

/**
 * A tenant of the integration store holding Walmart.csv, imported by the lib code path (as the
 * ingest job does), with an admin and the given role users (`<role>@<id>.test`), optionally a
 * trained production model (boosting only) and a brand colour.
 */
export async function walmartTenant(id: string, options: { roles?: ('manager' | 'analyst' | 'viewer')[]; train?: boolean; primaryColor?: string } = {}): Promise<void> {
  process.env.FORESIGHT_HOME = inject('home');
  const { createTenantWithAdmin } = await import('@/lib/provisioning');
  const { createUser } = await import('@/lib/users');
  const { getTenantOrThrow, setTenantBranding } = await import('@/lib/tenants');
  const { SYSTEM_ACTOR } = await import('@/lib/audit');
  const { ingestDataset } = await import('@/lib/datasets/ingest');
  await createTenantWithAdmin({ id, name: `Walmart ${id}`, tier: 'enterprise', adminEmail: `admin@${id}.test`, adminName: 'Admin', adminPassword: inject('password') }, SYSTEM_ACTOR);
  for (const role of options.roles ?? []) await createUser(id, { email: `${role}@${id}.test`, name: role, role, password: inject('password') });
  await ingestDataset(await getTenantOrThrow(id), { format: 'generic', file: { name: 'Walmart.csv', bytes: new Uint8Array(fs.readFileSync(WALMART_CSV)) }, mapping: WALMART_MAPPING }, SYSTEM_ACTOR, undefined, undefined, { retrain: false });
  if (options.train) {
    const { trainAndRegister } = await import('@/lib/training/register');
    await trainAndRegister(id, { algorithms: ['gbm'], seed: 1 }, SYSTEM_ACTOR);
  }
  if (options.primaryColor) {
    const tenant = await getTenantOrThrow(id);
    await setTenantBranding(id, { ...tenant.branding, primaryColor: options.primaryColor });
  }
}
