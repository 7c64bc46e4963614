import fs from 'node:fs';
import { inject } from 'vitest';
import { WALMART_CSV } from './paths';

/** Walmart's columns as the wizard maps them: Store the key, Weekly_Sales the target, the rest numeric. */
export const WALMART_MAPPING = { date: 'Date', target: 'Weekly_Sales', keys: { store: 'Store' }, numeric: ['Holiday_Flag', 'Temperature', 'Fuel_Price', 'CPI', 'Unemployment'] };

type Algorithm = 'gbm' | 'ridge' | 'rf';

/**
 * A tenant of the integration store holding Walmart.csv, imported by the lib code path (as the
 * ingest job does), with an admin (`admin@<id>.test`) and role users (`<role>@<id>.test`, manager
 * and analyst unless `roles` says otherwise); `train` registers one version per entry by the
 * registry path (the first goes to production, the others to staging); `primaryColor` brands it.
 */
export async function walmartTenant(
  id: string,
  options: { roles?: ('manager' | 'analyst' | 'viewer')[]; train?: readonly (readonly Algorithm[])[]; seed?: number; primaryColor?: string } = {},
): Promise<void> {
  process.env.FORESIGHT_HOME = inject('home');
  const { createTenantWithAdmin } = await import('@/lib/provisioning');
  const { createUser } = await import('@/lib/users');
  const { getTenantOrThrow, setTenantBranding } = await import('@/lib/tenants');
  const { SYSTEM_ACTOR } = await import('@/lib/audit');
  const { ingestDataset } = await import('@/lib/datasets/ingest');
  const password = inject('password');
  await createTenantWithAdmin({ id, name: `Walmart ${id}`, tier: 'enterprise', adminEmail: `admin@${id}.test`, adminName: 'Admin', adminPassword: password }, SYSTEM_ACTOR);
  for (const role of options.roles ?? ['manager', 'analyst']) await createUser(id, { email: `${role}@${id}.test`, name: role, role, password });
  const outcome = await ingestDataset(await getTenantOrThrow(id), { format: 'generic', file: { name: 'Walmart.csv', bytes: new Uint8Array(fs.readFileSync(WALMART_CSV)) }, mapping: WALMART_MAPPING }, SYSTEM_ACTOR, undefined, undefined, { retrain: false });
  if (outcome.status !== 'imported') throw new Error(`Walmart import into ${id}: ${outcome.message}`);
  if (options.train?.length) {
    const { trainAndRegister } = await import('@/lib/training/register');
    for (const algorithms of options.train) await trainAndRegister(id, { algorithms: [...algorithms], ...(options.seed === undefined ? {} : { seed: options.seed }) }, SYSTEM_ACTOR);
  }
  if (options.primaryColor) {
    const tenant = await getTenantOrThrow(id);
    await setTenantBranding(id, { ...tenant.branding, primaryColor: options.primaryColor });
  }
}

/** Every Plotly chart on the page once drawn: its title and axis titles (the first axes of each). */
export const CHART_TITLES_SCRIPT = () =>
  [...document.querySelectorAll('.js-plotly-plot')].map((el) => {
    const layout = (el as HTMLElement & { layout?: { title?: { text?: string }; xaxis?: { title?: { text?: string } }; yaxis?: { title?: { text?: string } } } }).layout;
    return { title: layout?.title?.text ?? '', x: layout?.xaxis?.title?.text ?? '', y: layout?.yaxis?.title?.text ?? '' };
  });
