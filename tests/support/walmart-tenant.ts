import fs from 'node:fs';
import { inject } from 'vitest';
import { WALMART_CSV } from './paths';

/**
 * A tenant of the integration store with Walmart.csv imported through the generic importer (the
 * lib code path the upload route runs) and, when asked, models trained by the registry path, one
 * version per entry of `train` (the first goes to production, the others to staging). Users:
 * admin@<id>.test, manager@<id>.test and analyst@<id>.test.
 */
export async function walmartTenant(id: string, train: readonly (readonly ('gbm' | 'ridge' | 'rf')[])[] = []): Promise<void> {
  process.env.FORESIGHT_HOME = inject('home');
  const { createTenantWithAdmin } = await import('@/lib/provisioning');
  const { createUser } = await import('@/lib/users');
  const { SYSTEM_ACTOR } = await import('@/lib/audit');
  const { getTenantOrThrow } = await import('@/lib/tenants');
  const { ingestDataset } = await import('@/lib/datasets/ingest');
  const { trainAndRegister } = await import('@/lib/training/register');
  const password = inject('password');
  await createTenantWithAdmin({ id, name: `Walmart ${id}`, tier: 'enterprise', adminEmail: `admin@${id}.test`, adminName: 'Admin', adminPassword: password }, SYSTEM_ACTOR);
  await createUser(id, { email: `manager@${id}.test`, name: 'Manager', role: 'manager', password });
  await createUser(id, { email: `analyst@${id}.test`, name: 'Analyst', role: 'analyst', password });
  const outcome = await ingestDataset(
    await getTenantOrThrow(id),
    {
      format: 'generic',
      file: { name: 'Walmart.csv', bytes: new Uint8Array(fs.readFileSync(WALMART_CSV)) },
      mapping: { date: 'Date', target: 'Weekly_Sales', keys: { store: 'Store' }, numeric: ['Holiday_Flag', 'Temperature', 'Fuel_Price', 'CPI', 'Unemployment'] },
    },
    SYSTEM_ACTOR,
  );
  if (outcome.status !== 'imported') throw new Error(`Walmart import into ${id}: ${outcome.message}`);
  for (const algorithms of train) await trainAndRegister(id, { algorithms: [...algorithms] }, SYSTEM_ACTOR);
}

/** Every Plotly chart on the page once drawn: its title and axis titles (the first axes of each). */
export const CHART_TITLES_SCRIPT = () =>
  [...document.querySelectorAll('.js-plotly-plot')].map((el) => {
    const layout = (el as HTMLElement & { layout?: { title?: { text?: string }; xaxis?: { title?: { text?: string } }; yaxis?: { title?: { text?: string } } } }).layout;
    return { title: layout?.title?.text ?? '', x: layout?.xaxis?.title?.text ?? '', y: layout?.yaxis?.title?.text ?? '' };
  });
