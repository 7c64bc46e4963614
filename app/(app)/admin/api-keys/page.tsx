import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/guards';
import { listApiKeys, toApiKeyView } from '@/lib/apikeys';
import { ROLE_LABEL } from '@/lib/auth/permissions';
import { tierHas } from '@/lib/tiers';
import { ActionForm } from '@/components/action-form';
import { RoleSelect } from '@/components/role-select';
import { createApiKeyAction, revokeApiKeyAction } from '../actions';

export const metadata: Metadata = { title: 'API keys' };

export default async function ApiKeysPage() {
  const ctx = await requirePage('apikeys.manage', '/admin/api-keys');
  const keys = (await listApiKeys(ctx.tenantId)).map(toApiKeyView).reverse();
  const allowed = tierHas(ctx.tenant.tier, 'api');
  return (
    <>
      <h1>API keys</h1>
      <p className="muted">
        Keys let your own systems call <code>/api/v1</code> with <code>Authorization: Bearer &lt;key&gt;</code>. A key acts with the role you give it, only
        in this organisation. It is shown once; we keep only its hash.
      </p>
      {allowed ? (
        <section className="card">
          <h2>Create a key</h2>
          <ActionForm action={createApiKeyAction} submitLabel="Create key" className="form-grid" testId="create-key">
            <label>
              Name
              <input name="name" required placeholder="e.g. ERP nightly sync" />
            </label>
            <label>
              Role
              <RoleSelect />
            </label>
          </ActionForm>
        </section>
      ) : (
        <div className="alert error">API access is part of the Enterprise plan. Your plan is {ctx.tenant.tier}.</div>
      )}
      <section className="card table-wrap">
        <h2>Keys</h2>
        {keys.length === 0 ? (
          <p className="empty">No keys yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Key starts with</th>
                <th>Role</th>
                <th>Created</th>
                <th>Last used</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{ROLE_LABEL[k.role]}</td>
                  <td>
                    {k.createdAt.slice(0, 10)} by {k.createdBy}
                  </td>
                  <td>{k.lastUsedAt ? k.lastUsedAt.slice(0, 16).replace('T', ' ') : 'never'}</td>
                  <td>
                    {k.revokedAt ? (
                      <span className="badge danger">revoked {k.revokedAt.slice(0, 10)}</span>
                    ) : (
                      <ActionForm action={revokeApiKeyAction} submitLabel="Revoke" danger confirm={`Revoke key "${k.name}"? Systems using it stop working at once.`}>
                        <input type="hidden" name="keyId" value={k.id} />
                      </ActionForm>
                    )}
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
