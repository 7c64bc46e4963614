import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { requirePage } from '@/lib/auth/guards';
import { dashboardFigures, chartSeries } from '@/lib/reports/data';
import { formatChange as change, formatInteger as num, formatPercent, formatSignedPercent } from '@/lib/format';
import type { WindowTotals } from '@/ml/data/analytics';
import { OverviewChart } from './overview-chart';
import { SetupChecklist, whoCan, type SetupState } from './setup-checklist';
import { can, type Role } from '@/lib/auth/permissions';
import { productionVersion } from '@/lib/registry/store';
import { listUsers } from '@/lib/users';

export const metadata: Metadata = { title: 'Overview' };

function Kpi({ title, pick, current, previous, lastYear, testId }: { title: string; pick: (w: WindowTotals) => number; current: WindowTotals; previous: WindowTotals; lastYear: WindowTotals; testId: string }) {
  return (
    <section className="card" aria-label={title}>
      <div className="muted">{title}</div>
      <div className="kpi-value" data-testid={testId}>
        {num(pick(current))}
      </div>
      <div className="muted">
        vs prior period <strong>{change(pick(current), pick(previous), previous.periods)}</strong> · vs last year <strong>{change(pick(current), pick(lastYear), lastYear.periods)}</strong>
      </div>
    </section>
  );
}

/** What shows while the figures (and the forecast, when not cached) are computed. */
function OverviewSkeleton() {
  return (
    <div role="status" aria-label="Loading the figures" data-testid="overview-loading">
      <div className="kpi-grid">
        {[0, 1, 2, 3].map((i) => (
          <div key={i} className="card">
            <div className="skeleton" style={{ height: '4.5rem' }} />
          </div>
        ))}
      </div>
      <div className="card" style={{ marginTop: '1rem' }}>
        <div className="skeleton" style={{ height: '360px' }} />
      </div>
    </div>
  );
}

export default async function OverviewPage() {
  // The permission check comes before any streaming, so a refusal keeps its status code.
  const ctx = await requirePage('dashboards.read', '/');
  return (
    <>
      <h1>Overview</h1>
      <Suspense fallback={<OverviewSkeleton />}>
        <OverviewFigures tenantId={ctx.tenantId} role={ctx.role} />
      </Suspense>
    </>
  );
}

async function OverviewFigures({ tenantId, role }: { tenantId: string; role: Role }) {
  const [figures, production, users] = await Promise.all([dashboardFigures(tenantId), productionVersion(tenantId), can(role, 'users.manage') ? listUsers(tenantId) : Promise.resolve(null)]);
  const setup: SetupState = { hasData: figures !== null, hasModel: Boolean(production), users: users?.filter((u) => u.active).length ?? 0 };
  if (!figures) {
    return (
      <>
        {can(role, 'data.import') ? (
          <SetupChecklist role={role} state={setup} />
        ) : (
          <section className="card empty">
            <p>{whoCan(setup)}</p>
          </section>
        )}
      </>
    );
  }
  const { kpis, forecast, model, alerts, hasRevenue, targetName } = figures;
  const per = figures.step === 7 ? 'week' : 'day';
  return (
    <>
      <SetupChecklist role={role} state={setup} />
      <p className="muted">
        Last 30 days of data: {kpis.current.from} to {kpis.current.to}.
      </p>
      <div className="kpi-grid">
        {hasRevenue && <Kpi title="Sales (revenue)" pick={(w) => w.value ?? 0} {...kpis} testId="kpi-sales" />}
        <Kpi title={hasRevenue ? 'Units sold' : targetName} pick={(w) => w.target} {...kpis} testId="kpi-units" />
        <section className="card" aria-label="Forecast for the next 30 days">
          <div className="muted">{forecast ? `Forecast, next ${forecast.days} days` : 'Forecast, next 30 days'}</div>
          {forecast ? (
            <>
              <div className="kpi-value" data-testid="kpi-forecast">
                {num(forecast.total)}
              </div>
              <div className="muted">
                vs last 30 days <strong>{formatSignedPercent(forecast.changeVsLast)}</strong> per day · {hasRevenue ? 'units' : targetName}
              </div>
            </>
          ) : (
            <p>
              No model in production yet. <Link href="/models">Models</Link>
            </p>
          )}
        </section>
        <section className="card" aria-label="Model accuracy">
          <div className="muted">Production model error (hold-out WAPE, lower is better)</div>
          {model ? (
            <>
              <div className="kpi-value" data-testid="kpi-wape">
                {formatPercent(model.metrics.wape)}
              </div>
              <div className="muted">
                vs seasonal naive <strong data-testid="kpi-baseline-wape">{formatPercent(model.baselineMetrics.wape)}</strong> · {model.id} ({model.algorithm})
              </div>
            </>
          ) : (
            <p>
              No model in production yet. <Link href="/models">Models</Link>
            </p>
          )}
        </section>
        <section className="card" aria-label="Open alerts">
          <div className="muted">Open alerts</div>
          <div className="kpi-value" data-testid="kpi-alerts">
            {alerts.open}
          </div>
          <div className="muted">
            <Link href="/monitoring">Monitoring</Link>
          </div>
        </section>
      </div>
      <section className="card" aria-labelledby="overview-chart-title">
        <h2 id="overview-chart-title">
          {targetName} per {per}: last 6 months{forecast ? ` and the next ${forecast.days} days` : ''}
        </h2>
        {forecast ? (
          <p className="meta-line">
            <span>
              Model <strong data-testid="model-version">{forecast.modelVersion}</strong>
            </span>
            <span>
              generated <time dateTime={forecast.generatedAt}>{forecast.generatedAt.slice(0, 16).replace('T', ' ')} UTC</time>
            </span>
            <span>shaded: 80% and 95% intervals</span>
          </p>
        ) : (
          <p className="muted">No model is in production yet: the chart shows actuals only.</p>
        )}
        <OverviewChart dates={figures.history.map((h) => h.date)} totals={figures.history.map((h) => h.total)} forecast={forecast ? chartSeries(forecast.points) : null} label={`${targetName}: recent actuals and forecast`} />
      </section>
      {alerts.recent.length > 0 && (
        <section className="card" aria-labelledby="alerts-title">
          <h2 id="alerts-title">Open alerts</h2>
          <ul className="alert-list" data-testid="overview-alerts">
            {alerts.recent.map((a) => (
              <li key={`${a.at}-${a.title}`}>
                <span className={`badge ${a.severity === 'critical' ? 'danger' : a.severity === 'warning' ? 'warn' : ''}`}>{a.severity}</span>
                <strong>{a.title}</strong>
                <span className="muted">
                  {a.message} · <time dateTime={a.at}>{a.at.slice(0, 10)}</time>
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
