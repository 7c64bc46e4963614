import type { Metadata } from 'next';
import Link from 'next/link';
import { requirePage } from '@/lib/auth/guards';
import { listUsers } from '@/lib/users';
import { listApiKeys } from '@/lib/apikeys';
import { effectiveQuotas, TIERS_TABLE } from '@/lib/tiers';
import { apiCallsThisMonth, readUsage } from '@/lib/usage';
import { storage, tenantRoots } from '@/lib/storage';
import { forecastCache } from '@/lib/cache';
import { listJobs } from '@/lib/jobs/store';

export const metadata: Metadata = { title: 'Admin' };

function UsageBar({ label, used, limit, unit }: { label: string; used: number; limit: number; unit?: string }) {
  const share = Math.min(1, used / limit);
  return (
    <div>
      <div style={{ display: 'flex', justifyContent: 'space-between' }}>
        <span>{label}</span>
        <span className="muted">
          {used.toLocaleString('en')} / {limit.toLocaleString('en')}
          {unit ? ` ${unit}` : ''}
        </span>
      </div>
      <div className="usage-bar" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={limit} aria-valuenow={used}>
        <span style={{ width: `${(share * 100).toFixed(1)}%` }} />
      </div>
    </div>
  );
}

export default async function AdminPage() {
  const ctx = await requirePage('users.manage', '/admin');
  const [users, keys, calls, usage, bytes] = await Promise.all([
    listUsers(ctx.tenantId),
    listApiKeys(ctx.tenantId),
    apiCallsThisMonth(ctx.tenantId),
    readUsage(ctx.tenantId),
    Promise.all(tenantRoots(ctx.tenantId).map((r) => storage().sizeOf(r))).then((s) => s.reduce((a, b) => a + b, 0)),
  ]);
  const quotas = effectiveQuotas(ctx.tenant.tier, ctx.tenant.quotaOverrides);
  const cache = forecastCache().stats();
  const jobs = await listJobs(ctx.tenantId, { limit: 10 });
  const mb = (n: number) => Math.round(n / (1024 * 1024));
  return (
    <>
      <h1>Admin</h1>
      <div className="grid">
        <section className="card">
          <h2>
            <Link href="/admin/users">Users</Link>
          </h2>
          <p>
            {users.filter((u) => u.active).length} active of {users.length}
          </p>
        </section>
        <section className="card">
          <h2>
            <Link href="/admin/api-keys">API keys</Link>
          </h2>
          <p>{keys.filter((k) => !k.revokedAt).length} live</p>
        </section>
        <section className="card">
          <h2>
            <Link href="/admin/branding">Branding</Link>
          </h2>
          <p>{ctx.tenant.branding.displayName}</p>
        </section>
      </div>
      <section className="card">
        <h2>
          Plan: {TIERS_TABLE[ctx.tenant.tier].label} (${TIERS_TABLE[ctx.tenant.tier].basePricePerMonth}/month)
        </h2>
        <div style={{ display: 'grid', gap: '0.75rem' }}>
          <UsageBar label="API calls this month" used={calls} limit={quotas.apiCallsPerMonth} />
          <UsageBar label="Storage" used={mb(bytes)} limit={mb(quotas.storageBytes)} unit="MB" />
          <p data-testid="predictions-served">
            Predictions served this month: <strong>{(usage.months[new Date().toISOString().slice(0, 7)]?.predictions ?? 0).toLocaleString('en')}</strong> (POST /predict and /predict/batch, one per row)
          </p>
          <p className="muted">Rate limit: {quotas.rateLimitPerMinute.toLocaleString('en')} API requests a minute.</p>
        </div>
      </section>
      <section className="card" aria-labelledby="status" data-testid="status-panel">
        <h2 id="status">Status</h2>
        <p>
          Forecast cache (this server): {cache.size.toLocaleString('en')} of {cache.capacity.toLocaleString('en')} entries, {cache.ttlSeconds / 60} minute lifetime; hit ratio{' '}
          <strong>{(cache.hitRatio * 100).toFixed(1)}%</strong> ({cache.hits.toLocaleString('en')} hits, {cache.misses.toLocaleString('en')} misses).
        </p>
        {jobs.length > 0 && (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Job</th>
                  <th>Status</th>
                  <th>Started</th>
                  <th>By</th>
                </tr>
              </thead>
              <tbody>
                {jobs.map((j) => (
                  <tr key={j.id}>
                    <td>{j.kind}</td>
                    <td>
                      {j.status}
                      {j.error ? `: ${j.error}` : ''}
                    </td>
                    <td>{(j.startedAt ?? j.createdAt).slice(0, 16).replace('T', ' ')}</td>
                    <td>{j.createdBy}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
