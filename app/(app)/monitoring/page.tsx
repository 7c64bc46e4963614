import type { Metadata } from 'next';
import Link from 'next/link';
import { requirePage } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { listAlerts } from '@/lib/alerts';
import { latestDriftReport } from '@/lib/monitoring/drift';
import { latestLiveError, liveErrorHistory, type LiveErrorRecord } from '@/lib/monitoring/decay';
import { productionVersion } from '@/lib/registry/store';
import { CsvDownload } from '@/components/csv-download';
import { getRetrainingSettings } from '@/lib/retraining-settings';
import { ActionForm } from '@/components/action-form';
import { acknowledgeAlertAction } from './actions';
import { LiveErrorChart, PsiChart } from './charts';
import { formatterFor } from '@/lib/format';
import { baselineWords, compareMetric, shareWords, toneClass } from '@/lib/metric-words';
import { MetricGlossary, MetricTerm } from '@/components/metric-term';
import { loadTable } from '@/lib/datasets/store';
import { datasetLabels } from '@/lib/datasets/labels';
import { percentCell, roundFigure } from '@/lib/exports';

export const metadata: Metadata = { title: 'Monitoring' };


const STATUS: Record<LiveErrorRecord['status'], { label: string; badge: string; says: string }> = {
  decayed: { label: 'decayed', badge: 'danger', says: 'The newest window misses more than the decay line allows: the model has got worse.' },
  healthy: { label: 'healthy', badge: 'ok', says: 'The newest window misses no more than the tolerance above what the model did on its hold-out.' },
  collecting: { label: 'collecting', badge: 'warn', says: 'Not yet a full window of new days: decay is judged once one has arrived.' },
  'no-reference': { label: 'no reference', badge: 'warn', says: 'The version has no hold-out WAPE to compare with.' },
  'no-data': { label: 'no actuals', badge: 'warn', says: 'The new days carry no actuals to score.' },
};

export default async function MonitoringPage() {
  const ctx = await requirePage('models.read', '/monitoring');
  const fmt = formatterFor(ctx.tenant.regional);
  const pct = (x: number | null | undefined, d = 1) => fmt.percent(x, d);
  const num = (x: number | null, d = 3) => fmt.decimal(x, d);
  const [open, recent, drift, retraining, live, scorings, production, loaded] = await Promise.all([
    listAlerts(ctx.tenantId, { open: true, limit: 100 }),
    listAlerts(ctx.tenantId, { open: false, limit: 20 }),
    latestDriftReport(ctx.tenantId),
    getRetrainingSettings(ctx.tenantId),
    latestLiveError(ctx.tenantId),
    liveErrorHistory(ctx.tenantId),
    productionVersion(ctx.tenantId),
    loadTable(ctx.tenantId),
  ]);
  const labels = loaded ? datasetLabels(loaded.table, loaded.manifest.mapping) : null;
  const label = (column: string) => labels?.label(column) ?? column;
  const baseline = baselineWords(loaded?.table.step ?? 1);
  const canAck = can(ctx.role, 'alerts.acknowledge');
  // Exports are a permission of their own (viewers read the tables but download nothing), as on every page.
  const canExport = can(ctx.role, 'exports.download');
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
                <span className="muted">{fmt.dateTime(a.at)}</span>
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
                  {a.title}: acknowledged by {a.acknowledged?.by} on {fmt.dateTime(a.acknowledged?.at)}
                </li>
              ))}
            </ul>
          </details>
        )}
      </section>
      <section className="card" aria-labelledby="decay" data-testid="live-error">
        <h2 id="decay">Model decay</h2>
        {!live ? (
          <p className="muted">
            {production
              ? `No actuals newer than ${production.id}'s training window (to ${fmt.day(production.trainingWindow.to)}) yet: its live error is measured when an import adds newer days.`
              : 'No production model yet: train one on the Models page; its live error is measured when newer days are imported.'}
          </p>
        ) : (
          <>
            <p>
              Status <span className={`badge ${STATUS[live.status].badge}`} data-testid="decay-status">{STATUS[live.status].label}</span> {STATUS[live.status].says}
            </p>
            <p className="muted" data-testid="decay-summary">
              Production {live.versionId} ({live.algorithm}), trained up to {fmt.day(live.origin)}, scored on {fmt.day(live.scored.from)} to {fmt.day(live.scored.to)} ({live.scored.periods} periods, {live.scored.series}{' '}
              series), forecast recursively from its last trained day in blocks of its validated horizon. On its hold-out its <MetricTerm metric="wape">typical error</MetricTerm> was {shareWords(live.referenceWape, fmt)}
              {live.referenceNaiveWape !== null ? ` (${baseline}: ${shareWords(live.referenceNaiveWape, fmt)})` : ''}; the decay line is {pct(live.threshold)} ({pct(live.tolerance, 0)} worse). Newest {live.windowDays}-day window
              {live.current ? ` ${fmt.day(live.current.from)} to ${fmt.day(live.current.to)}: typical error ${shareWords(live.current.wape, fmt)}, ${baseline} ${shareWords(live.current.naiveWape, fmt)}` : ': none'}. Scored {fmt.dateTime(live.at)}.
            </p>
            {production && production.id !== live.versionId && (
              <p className="alert">
                {production.id} is in production now; these figures are {live.versionId}&apos;s. {production.id} is scored when newer days than its training window arrive.
              </p>
            )}
            {live.note && <p className="muted">{live.note}</p>}
            {live.daily.length > 0 && (
              <LiveErrorChart
                points={live.daily.map((d) => ({ date: d.date, wape: d.wape, naiveWape: d.naiveWape, rollingWape: d.rollingWape, rollingNaiveWape: d.rollingNaiveWape }))}
                threshold={live.threshold}
                reference={live.referenceWape}
                windowDays={live.windowDays}
                baseline={baseline}
              />
            )}
            <div className="table-wrap">
              <table data-testid="decay-windows">
                <caption className="muted" style={{ textAlign: 'left' }}>
                  {live.windowDays}-day windows, newest first
                </caption>
                <thead>
                  <tr>
                    <th>From</th>
                    <th>To</th>
                    <th>Days</th>
                    <th>
                      <MetricTerm metric="wape" />
                    </th>
                    <th>
                      <MetricTerm metric="naive" />
                    </th>
                    <th>Against its hold-out</th>
                    <th>Status</th>
                  </tr>
                </thead>
                <tbody>
                  {live.windows.map((w) => (
                    <tr key={w.from}>
                      <td>{fmt.day(w.from)}</td>
                      <td>{fmt.day(w.to)}</td>
                      <td>{w.days}</td>
                      <td>{pct(w.wape)}</td>
                      <td>{pct(w.naiveWape)}</td>
                      <td className={toneClass(compareMetric('wape', 1, w.ratio))}>{w.ratio === null ? '—' : `${fmt.signedPercent(w.ratio - 1)} ${w.ratio > 1 ? 'more error' : w.ratio < 1 ? 'less error' : ''}`}</td>
                      <td>{!w.full ? <span className="muted">partial</span> : w.decayed ? <span className="badge danger">decayed</span> : <span className="badge ok">within tolerance</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {canExport && (
              <p>
                <CsvDownload
                  header={['from', 'to', 'days', 'full', 'wape', 'seasonal_naive_wape', 'change_vs_holdout', 'decayed']}
                  rows={live.windows.map((w) => [w.from, w.to, w.days, String(w.full), percentCell(w.wape), percentCell(w.naiveWape), percentCell(w.ratio === null ? null : w.ratio - 1), String(w.decayed)])}
                  filename={`decay-windows-${live.versionId}.csv`}
                  label="Export windows CSV"
                />{' '}
                <CsvDownload
                  header={['date', 'actual', 'forecast', 'wape', 'seasonal_naive_wape', 'rolling_wape', 'rolling_seasonal_naive_wape']}
                  rows={live.daily.map((d) => [d.date, roundFigure(d.actual), roundFigure(d.predicted), percentCell(d.wape), percentCell(d.naiveWape), percentCell(d.rollingWape), percentCell(d.rollingNaiveWape)])}
                  filename={`live-error-${live.versionId}.csv`}
                  label="Export daily CSV"
                />
              </p>
            )}
            {scorings.length > 1 && (
              <details>
                <summary>Earlier scorings ({scorings.length})</summary>
                <div className="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th>Scored at</th>
                        <th>Version</th>
                        <th>Days</th>
                        <th>Newest window: typical error</th>
                        <th>Decay line</th>
                        <th>Status</th>
                      </tr>
                    </thead>
                    <tbody>
                      {[...scorings].reverse().slice(0, 20).map((h) => (
                        <tr key={h.at}>
                          <td>{fmt.dateTime(h.at)}</td>
                          <td>{h.versionId}</td>
                          <td>
                            {fmt.day(h.scored.from)} to {fmt.day(h.scored.to)}
                          </td>
                          <td>{pct(h.current?.wape)}</td>
                          <td>{pct(h.threshold)}</td>
                          <td>{STATUS[h.status].label}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </details>
            )}
          </>
        )}
      </section>
      <section className="card" aria-labelledby="drift">
        <h2 id="drift">Data drift</h2>
        {!drift ? (
          <p className="muted">No newer days have been imported since the first import: drift is measured on each import that adds days.</p>
        ) : (
          <>
            <p className="muted">
              New days {fmt.day(drift.current.from)} to {fmt.day(drift.current.to)} against {fmt.day(drift.reference.from)} to {fmt.day(drift.reference.to)}. PSI (population stability index: how far a column&apos;s distribution moved) under 0.1 is stable, 0.1 to 0.25 moderate, over 0.25 significant.
            </p>
            {tested.length > 0 && <PsiChart names={tested.map((c) => label(c.name))} psi={tested.map((c) => c.psi ?? 0)} />}
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
                        {label(c.name)}
                        {c.role === 'target' ? ' (the value forecast)' : ''}
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
          production model&apos;s typical error over the last {retraining.decayWindowDays} days of new actuals is more than {(retraining.decayTolerance * 100).toFixed(0)}% worse than on its hold-out; a decay (or significant drift, PSI over 0.25) starts one retraining cycle, which promotes the challenger only when it beats the champion on the newest days neither model was trained on by{' '}
          {(retraining.margin * 100).toFixed(0)}% with no large store or category worse by more than {(retraining.segmentTolerance * 100).toFixed(0)}%.{' '}
          <Link href="/settings">Settings</Link>
        </p>
      </section>
      <MetricGlossary metrics={['wape', 'naive']} />
    </>
  );
}
