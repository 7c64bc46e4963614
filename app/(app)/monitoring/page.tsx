import type { Metadata } from 'next';
import Link from 'next/link';
import { requirePage } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { listAlerts } from '@/lib/alerts';
import { latestDriftReport } from '@/lib/monitoring/drift';
import { getRetrainingSettings } from '@/lib/retraining/settings';
import { ActionForm } from '@/components/action-form';
import { acknowledgeAlertAction } from './actions';
import { PsiChart } from './charts';

export const metadata: Metadata = { title: 'Monitoring' };

const num = (x: number | null, d = 3) => (x === null || !Number.isFinite(x) ? '—' : x.toFixed(d));

export default async function MonitoringPage() {
  const ctx = await requirePage('models.read', '/monitoring');
  const [open, recent, drift, retraining] = await Promise.all([
    listAlerts(ctx.tenantId, { open: true, limit: 100 }),
    listAlerts(ctx.tenantId, { open: false, limit: 20 }),
    latestDriftReport(ctx.tenantId),
    getRetrainingSettings(ctx.tenantId),
  ]);
  const canAck = can(ctx.role, 'alerts.acknowledge');
  const tested = drift?.columns.filter((c) => c.psi !== null) ?? [];
  return (
    <>
      <h1>Monitoring</h1>
      <section className="card" aria-labelledby="alerts">
        <h2 id="alerts">Open alerts ({open.length})</h2>
        {open.length === 0 ? (
          <p className="muted">No open alerts.</p>
        ) : (
          <ul style={{ listStyle: 'none', padding: 0, display: 'grid', gap: '0.5rem' }} data-testid="open-alerts">
            {open.map((a) => (
              <li key={a.id} className="card" style={{ marginBottom: 0 }}>
                <span className={`badge ${a.severity === 'critical' ? 'danger' : a.severity === 'warning' ? 'warn' : ''}`}>{a.severity}</span> <strong>{a.title}</strong>{' '}
                <span className="muted">{a.at.slice(0, 16).replace('T', ' ')}</span>
                <p style={{ margin: '0.3rem 0' }}>{a.message}</p>
                {canAck && (
                  <ActionForm action={acknowledgeAlertAction} submitLabel="Acknowledge">
                    <input type="hidden" name="alertId" value={a.id} />
                  </ActionForm>
                )}
              </li>
            ))}
          </ul>
        )}
        {recent.length > 0 && (
          <details>
            <summary>Recently acknowledged</summary>
            <ul>
              {recent.map((a) => (
                <li key={a.id}>
                  {a.title}: acknowledged by {a.acknowledged?.by} on {a.acknowledged?.at.slice(0, 10)}
                </li>
              ))}
            </ul>
          </details>
        )}
      </section>
      <section className="card" aria-labelledby="drift">
        <h2 id="drift">Data drift</h2>
        {!drift ? (
          <p className="muted">No newer days have been imported since the first import: drift is measured on each import that adds days.</p>
        ) : (
          <>
            <p className="muted">
              New days {drift.current.from} to {drift.current.to} against {drift.reference.from} to {drift.reference.to}. PSI under 0.1 is stable, 0.1 to 0.25 moderate, over 0.25 significant.
            </p>
            {tested.length > 0 && <PsiChart names={tested.map((c) => c.name)} psi={tested.map((c) => c.psi ?? 0)} />}
            <div className="table-wrap">
              <table data-testid="drift-table">
                <thead>
                  <tr>
                    <th>Column</th>
                    <th>PSI</th>
                    <th>KS D</th>
                    <th>KS p-value</th>
                    <th>Mean before → now</th>
                  </tr>
                </thead>
                <tbody>
                  {drift.columns.map((c) => (
                    <tr key={c.name}>
                      <td>
                        {c.name}
                        {c.role === 'target' ? ' (target)' : ''}
                      </td>
                      <td>
                        {num(c.psi)} {c.band && <span className={`badge ${c.band === 'significant' ? 'danger' : c.band === 'moderate' ? 'warn' : 'ok'}`}>{c.band}</span>}
                        {c.note && <div className="muted">{c.note}</div>}
                      </td>
                      <td>{num(c.ks)}</td>
                      <td>{c.pValue === null ? '—' : c.pValue < 1e-4 ? '< 0.0001' : c.pValue.toFixed(4)}</td>
                      <td>
                        {num(c.referenceMean, 2)} → {num(c.currentMean, 2)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>
      <section className="card">
        <h2>Auto-retraining</h2>
        <p>
          Schedule <strong>{retraining.schedule}</strong>; retrain on decay: {retraining.onDecay ? 'yes' : 'no'}; on drift: {retraining.onDrift ? 'yes' : 'no'}. Decay alert when the
          production model&apos;s WAPE over {retraining.decayWindowDays} days is more than {(retraining.decayTolerance * 100).toFixed(0)}% worse than its validation figure.{' '}
          <Link href="/settings">Settings</Link>
        </p>
      </section>
    </>
  );
}
