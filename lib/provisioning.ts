import { recordAudit, type AuditActor } from './audit';
import { createTenant, deleteTenant } from './tenants';
import { createUser } from './users';
import { assertPasswordAllowed } from './auth/password-policy';
import type { Tenant, Tier } from './schemas/tenant';

/**
 * A new tenant always starts with its first admin. If creating the admin fails, the tenant is
 * removed again, so nothing half-made remains. The admin's email may already belong to another
 * organisation (one person, several organisations); the password is checked before anything is
 * made, against the policy with this tenant's id and name.
 */
export async function createTenantWithAdmin(
  input: { id: string; name: string; tier: Tier; adminEmail: string; adminName: string; adminPassword: string },
  actor: AuditActor,
  ip = '',
): Promise<Tenant> {
  assertPasswordAllowed(input.adminPassword, { email: input.adminEmail, organisation: [input.id, input.name] }, 'adminPassword');
  const tenant = await createTenant({ id: input.id, name: input.name, tier: input.tier });
  try {
    await createUser(tenant.id, { email: input.adminEmail, name: input.adminName, role: 'admin', password: input.adminPassword });
  } catch (e) {
    await deleteTenant(tenant.id);
    throw e;
  }
  await recordAudit(null, { actor, action: 'tenants.create', target: tenant.id, outcome: 'success', ip, details: { tier: tenant.tier } });
  await recordAudit(tenant.id, { actor, action: 'tenants.create', target: tenant.id, outcome: 'success', ip, details: { tier: tenant.tier, admin: input.adminEmail } });
  return tenant;
}
