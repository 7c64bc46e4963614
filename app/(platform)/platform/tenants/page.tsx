import type { Metadata } from 'next';
import { requirePlatformPage } from '@/lib/auth/guards';
import { listTenants } from '@/lib/tenants';
import { listUsers } from '@/lib/users';
import { storage, tenantRoots } from '@/lib/storage';
import { effectiveQuotas, TIERS_TABLE } from '@/lib/tiers';
import { TENANT_ID_PATTERN, TENANT_ID_RULE, TIERS } from '@/lib/schemas/tenant';
import { ActionForm } from '@/components/action-form';
import { createTenantAction, deleteTenantAction, setRateLimitAction, setTenantStatusAction, setTenantTierAction } from './actions';

export const metadata: Metadata = { title: 'Tenants' };

export default async function TenantsPage() {
  await requirePlatformPage('/platform/tenants');
  const tenants = await listTenants();
  const rows = await Promise.all(
    tenants.map(async (t) => ({
      tenant: t,
      users: (await listUsers(t.id)).length,
      bytes: (await Promise.all(tenantRoots(t.id).map((r) => storage().sizeOf(r)))).reduce((a, b) => a + b, 0),
    })),
  );
  return (
    <>
      <h1>Tenants</h1>
      <section className="card">
        <h2>Create a tenant</h2>
        <ActionForm action={createTenantAction} submitLabel="Create tenant" className="form-grid" testId="create-tenant">
          <label>
            Id (used in paths and keys)
            <input name="id" required pattern={TENANT_ID_PATTERN} title={TENANT_ID_RULE} placeholder="acme" autoComplete="off" />
          </label>
          <label>
            Name
            <input name="name" required placeholder="Acme Stores" />
          </label>
          <label>
            Plan
            <select name="tier" defaultValue="starter">
              {TIERS.map((t) => (
                <option key={t} value={t}>
                  {TIERS_TABLE[t].label} (${TIERS_TABLE[t].basePricePerMonth}/month)
                </option>
              ))}
            </select>
          </label>
          <label>
            First admin email
            <input name="adminEmail" type="email" required />
          </label>
          <label>
            First admin name
            <input name="adminName" defaultValue="Administrator" />
          </label>
          <label>
            First admin password (12 to 128 characters; a few unrelated words work well)
            <input name="adminPassword" type="password" autoComplete="new-password" required minLength={12} />
          </label>
        </ActionForm>
      </section>
      <section className="card table-wrap">
        <h2>All tenants</h2>
        {rows.length === 0 ? (
          <p className="empty">No tenants yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Tenant</th>
                <th>Status</th>
                <th>Plan</th>
                <th>Users</th>
                <th>Storage</th>
                <th>Rate limit / min</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ tenant: t, users, bytes }) => (
                <tr key={t.id} data-testid={`tenant-row-${t.id}`}>
                  <td>
                    <strong>{t.name}</strong>
                    <div className="muted">
                      <code>{t.id}</code> · since {t.createdAt.slice(0, 10)}
                    </div>
                  </td>
                  <td>{t.status === 'active' ? <span className="badge ok">active</span> : <span className="badge danger">suspended</span>}</td>
                  <td>
                    <ActionForm action={setTenantTierAction} submitLabel="Set plan" className="inline-form">
                      <input type="hidden" name="tenantId" value={t.id} />
                      <select name="tier" defaultValue={t.tier} aria-label={`Plan of ${t.id}`}>
                        {TIERS.map((tier) => (
                          <option key={tier} value={tier}>
                            {TIERS_TABLE[tier].label}
                          </option>
                        ))}
                      </select>
                    </ActionForm>
                  </td>
                  <td>{users}</td>
                  <td>{(bytes / (1024 * 1024)).toFixed(1)} MB</td>
                  <td>
                    <ActionForm action={setRateLimitAction} submitLabel="Set" className="inline-form">
                      <input type="hidden" name="tenantId" value={t.id} />
                      <input
                        name="rateLimitPerMinute"
                        type="number"
                        min={1}
                        defaultValue={effectiveQuotas(t.tier, t.quotaOverrides).rateLimitPerMinute}
                        aria-label={`Rate limit of ${t.id}`}
                        style={{ width: '7rem' }}
                      />
                    </ActionForm>
                  </td>
                  <td style={{ display: 'grid', gap: '0.4rem' }}>
                    <ActionForm action={setTenantStatusAction} submitLabel={t.status === 'active' ? 'Suspend' : 'Reactivate'} danger={t.status === 'active'}>
                      <input type="hidden" name="tenantId" value={t.id} />
                      <input type="hidden" name="status" value={t.status === 'active' ? 'suspended' : 'active'} />
                    </ActionForm>
                    <details>
                      <summary>Delete…</summary>
                      <ActionForm action={deleteTenantAction} submitLabel="Delete forever" danger>
                        <input type="hidden" name="tenantId" value={t.id} />
                        <label>
                          Type <code>{t.id}</code> to confirm
                          <input name="confirmId" autoComplete="off" />
                        </label>
                      </ActionForm>
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
