import { randomBytes } from 'node:crypto';
import { SYSTEM_ACTOR, recordAudit } from './audit';
import { createTenant, findTenant, listTenants } from './tenants';
import { createPlatformAdmin, createUser, findAccountByEmail } from './users';
import type { Role } from './auth/permissions';
import { generateRetailDemo, RETAIL_FILES, type RetailDemoOptions } from '@/ml/data/generator';
import { ingestDataset, type IngestOutcome } from './datasets/ingest';
import { readManifest } from './datasets/store';
import { storage, tenantPath } from './storage';
import { getTenantOrThrow } from './tenants';

export const DEMO_TENANT_ID = 'demo';
export const DEMO_USERS: readonly { email: string; name: string; role: Role }[] = [
  { email: 'admin@demo.test', name: 'Ada Admin', role: 'admin' },
  { email: 'manager@demo.test', name: 'Max Manager', role: 'manager' },
  { email: 'analyst@demo.test', name: 'Ana Analyst', role: 'analyst' },
  { email: 'viewer@demo.test', name: 'Vic Viewer', role: 'viewer' },
];
export const PLATFORM_ADMIN_EMAIL = 'platform@foresight.test';

export interface SeedResult {
  created: boolean;
  /** The demo dataset's import, when this call generated it. */
  data?: IngestOutcome;
  /** Set only when this call generated the password (it is printed once and never stored in clear). */
  generatedPassword?: string;
  accounts: string[];
}

/** True when the store has no tenant yet (a fresh install). */
export async function storeIsEmpty(): Promise<boolean> {
  return (await listTenants()).length === 0;
}

/**
 * Generates the demo retailer's 8 CSV files (seeded, deterministic) and imports them through the
 * same path as an upload; the generator's ground truth is kept beside the dataset for tests and
 * explanations. Does nothing when the demo already has a dataset.
 */
export async function seedDemoData(options: Partial<RetailDemoOptions> = {}, progress?: (done: number, total: number, message: string) => void): Promise<IngestOutcome | undefined> {
  if (await readManifest(DEMO_TENANT_ID)) return undefined;
  const tenant = await getTenantOrThrow(DEMO_TENANT_ID);
  const demo = generateRetailDemo(options);
  const files = RETAIL_FILES.map((name) => ({ name, bytes: demo.files[name] }));
  const outcome = await ingestDataset(tenant, { format: 'retail', files }, SYSTEM_ACTOR, progress);
  if (outcome.status === 'invalid') throw new Error(`The generated demo data did not validate: ${outcome.report.errors[0]?.reason ?? 'unknown'}`);
  await storage().writeJson(tenantPath(DEMO_TENANT_ID, 'data', 'ground_truth.json'), demo.groundTruth);
  return outcome;
}

/**
 * Creates the demo tenant `demo` (enterprise plan) with one user per role and the platform admin,
 * and its generated dataset. The password comes from DEMO_PASSWORD, or is generated and returned
 * once. Idempotent: existing accounts and data are left as they are.
 */
export async function seedDemo(passwordFromEnv = process.env.DEMO_PASSWORD, dataOptions: Partial<RetailDemoOptions> | null = {}): Promise<SeedResult> {
  const generatedPassword = passwordFromEnv ? undefined : randomBytes(12).toString('base64url');
  const password = passwordFromEnv || (generatedPassword as string);
  let created = false;
  if (!(await findTenant(DEMO_TENANT_ID))) {
    await createTenant({ id: DEMO_TENANT_ID, name: 'Demo Grocery', tier: 'enterprise' });
    await recordAudit(DEMO_TENANT_ID, { actor: SYSTEM_ACTOR, action: 'tenants.create', target: DEMO_TENANT_ID, outcome: 'success', details: { by: 'seed-demo' } });
    created = true;
  }
  const accounts: string[] = [];
  for (const u of DEMO_USERS) {
    if (await findAccountByEmail(u.email)) continue;
    await createUser(DEMO_TENANT_ID, { ...u, password });
    await recordAudit(DEMO_TENANT_ID, { actor: SYSTEM_ACTOR, action: 'users.create', target: u.email, outcome: 'success', details: { role: u.role, by: 'seed-demo' } });
    accounts.push(`${u.email} (${u.role})`);
    created = true;
  }
  if (!(await findAccountByEmail(PLATFORM_ADMIN_EMAIL))) {
    await createPlatformAdmin({ email: PLATFORM_ADMIN_EMAIL, name: 'Platform Admin', password });
    await recordAudit(null, { actor: SYSTEM_ACTOR, action: 'platform.admin.create', target: PLATFORM_ADMIN_EMAIL, outcome: 'success' });
    accounts.push(`${PLATFORM_ADMIN_EMAIL} (platform admin)`);
    created = true;
  }
  const data = dataOptions ? await seedDemoData(dataOptions) : undefined;
  return { created: created || Boolean(data), data, generatedPassword: accounts.length > 0 ? generatedPassword : undefined, accounts };
}
