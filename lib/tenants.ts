import { z } from 'zod';
import { AppError } from './errors';
import { platformPath, storage, tenantRoots, tenantPath } from './storage';
import { tenantSchema, type Branding, type Quotas, type Regional, type Tenant, type Tier } from './schemas/tenant';
import { DEFAULT_REGIONAL } from './format';
import { forgetDocument, readJsonCached } from './document-cache';
import { isActive, listJobs } from './jobs/store';
import { isJobRunner, processAlive } from './process';

const tenantsFileSchema = z.object({ tenants: z.array(tenantSchema) });
type TenantsFile = z.infer<typeof tenantsFileSchema>;
const tenantsKey = () => platformPath('tenants.json');

export const DEFAULT_BRANDING: Omit<Branding, 'displayName'> = {
  primaryColor: '#1f6feb',
  accentColor: '#e36209',
  logoType: null,
  logoVersion: 0,
};

export async function listTenants(): Promise<Tenant[]> {
  return (await storage().readJson(tenantsKey(), tenantsFileSchema))?.tenants ?? [];
}

/**
 * The tenant, or undefined. Callers that act on it use `getTenantOrThrow`. Read on every API
 * request and page, so the index comes from the document cache (revalidated by a stat on each
 * call: a suspension by any process applies to the next request); the record is a copy.
 */
export async function findTenant(tenantId: string): Promise<Tenant | undefined> {
  const found = (await readJsonCached(tenantsKey(), tenantsFileSchema))?.tenants.find((t) => t.id === tenantId);
  return found && structuredClone(found);
}

/** Every write of the index goes through here: locked read-modify-write, then the cached copy dropped. */
async function updateTenants(change: (file: TenantsFile) => TenantsFile): Promise<void> {
  try {
    await storage().updateJson(tenantsKey(), tenantsFileSchema, () => ({ tenants: [] }), change);
  } finally {
    forgetDocument(tenantsKey());
  }
}

export async function getTenantOrThrow(tenantId: string): Promise<Tenant> {
  const t = await findTenant(tenantId);
  if (!t) throw new AppError('not_found', `Tenant ${tenantId} not found.`);
  return t;
}

export async function createTenant(input: { id: string; name: string; tier: Tier }): Promise<Tenant> {
  tenantPath(input.id, 'tenants'); // validates the id
  const now = new Date().toISOString();
  const tenant: Tenant = {
    id: input.id,
    name: input.name,
    tier: input.tier,
    status: 'active',
    createdAt: now,
    updatedAt: now,
    branding: { displayName: input.name, ...DEFAULT_BRANDING },
    quotaOverrides: {},
    regional: { ...DEFAULT_REGIONAL },
  };
  await updateTenants((file) => {
    if (file.tenants.some((t) => t.id === input.id)) throw new AppError('conflict', `A tenant with id "${input.id}" already exists.`, { field: 'id' });
    return { tenants: [...file.tenants, tenant] };
  });
  return tenant;
}

async function changeTenant(tenantId: string, change: (t: Tenant) => Tenant): Promise<Tenant> {
  let updated: Tenant | undefined;
  await updateTenants((file) => {
    const index = file.tenants.findIndex((t) => t.id === tenantId);
    if (index < 0) throw new AppError('not_found', `Tenant ${tenantId} not found.`);
    updated = { ...change(file.tenants[index]), updatedAt: new Date().toISOString() };
    const tenants = [...file.tenants];
    tenants[index] = updated;
    return { tenants };
  });
  return updated as Tenant;
}

export const setTenantStatus = (tenantId: string, status: Tenant['status']) => changeTenant(tenantId, (t) => ({ ...t, status }));
export const setTenantTier = (tenantId: string, tier: Tier) => changeTenant(tenantId, (t) => ({ ...t, tier }));
export const setTenantQuotaOverrides = (tenantId: string, quotaOverrides: Partial<Quotas>) => changeTenant(tenantId, (t) => ({ ...t, quotaOverrides }));
export const setTenantBranding = (tenantId: string, branding: Branding) => changeTenant(tenantId, (t) => ({ ...t, branding }));
/** Currency, number and date locale and time zone of the tenant's figures (lib/format.ts). */
export const setTenantRegional = (tenantId: string, regional: Regional) => changeTenant(tenantId, (t) => ({ ...t, regional }));

/**
 * Removes the tenant from the index first (so no request can reach it any more), then every file it had.
 */
export async function deleteTenant(tenantId: string): Promise<void> {
  await updateTenants((file) => {
    if (!file.tenants.some((t) => t.id === tenantId)) throw new AppError('not_found', `Tenant ${tenantId} not found.`);
    return { tenants: file.tenants.filter((t) => t.id !== tenantId) };
  });
  // Its running jobs (training, imports) would go on writing into its folders: stop them first.
  // Their writes are atomic, and everything they wrote goes with the tenant.
  await stopActiveJobs(tenantId);
  // Under the locks of the files that background writers update (a key's last use, usage
  // batches): a write in progress finishes first, and one that comes after finds the folder gone
  // and writes nothing (they never create it), so no file of the tenant comes back.
  const remove = async () => {
    for (const root of tenantRoots(tenantId)) await storage().remove(root);
  };
  await storage().withLock(tenantPath(tenantId, 'tenants', 'apikeys.json'), () => storage().withLock(tenantPath(tenantId, 'tenants', 'usage.json'), remove));
}

/** Kills the worker processes of a tenant's queued or running jobs and waits (up to 5 s) until they are gone. */
async function stopActiveJobs(tenantId: string): Promise<void> {
  const pids = (await listJobs(tenantId, { limit: 200 })).filter((j) => isActive(j) && j.pid !== null && j.pid !== process.pid).map((j) => j.pid as number).filter(isJobRunner);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + 5_000;
  while (pids.some(processAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}
