import { randomBytes } from 'node:crypto';
import { SYSTEM_ACTOR, recordAudit } from './audit';
import { createTenant, findTenant, listTenants } from './tenants';
import { createPlatformAdmin, createUser, findAccountByEmail } from './users';
import type { Role } from './auth/permissions';

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
  /** Set only when this call generated the password (it is printed once and never stored in clear). */
  generatedPassword?: string;
  accounts: string[];
}

/** True when the store has no tenant yet (a fresh install). */
export async function storeIsEmpty(): Promise<boolean> {
  return (await listTenants()).length === 0;
}

/**
 * Creates the demo tenant `demo` (enterprise plan) with one user per role and the platform admin.
 * The password comes from DEMO_PASSWORD, or is generated and returned once. Idempotent: existing
 * accounts are left as they are.
 */
export async function seedDemo(passwordFromEnv = process.env.DEMO_PASSWORD): Promise<SeedResult> {
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
  return { created, generatedPassword: created && accounts.length > 0 ? generatedPassword : undefined, accounts };
}
