import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { requirePage } from '@/lib/auth/guards';
import { dashboardFigures, chartSeries } from '@/lib/reports/data';
import { formatSpan, formatterFor, perPeriod, periodWord, type Formatter, type Measure } from '@/lib/format';
import { accuracyWords, recommendation, shareWords } from '@/lib/metric-words';
import { listVersions } from '@/lib/registry/store';
import { MetricTerm } from '@/components/metric-term';
import type { WindowTotals } from '@/ml/data/analytics';
import type { RegionalSettings } from '@/lib/format';
import { OverviewChart } from './overview-chart';
import { SetupChecklist, whoCan, type SetupState } from './setup-checklist';
import { can, type Role } from '@/lib/auth/permissions';
import { listUsers } from '@/lib/users';

export const metadata: Metadata = { title: 'Overview' };

/** A KPI tile: the figure of the last window, read compactly with its unit, against the window before and the same window a year earlier. */
function Kpi({ title, measure, pick, current, previous, lastYear, testId, fmt, span }: { title: string; measure: Measure; pick: (w: WindowTotals) => number; current: WindowTotals; previous: WindowTotals; lastYear: WindowTotals; testId: string; fmt: Formatter; span: string }) {
  return (
    <section className="card" aria-label={title}>
      <div className="muted">{title}</div>
      <KpiValue value={pick(current)} measure={measure} fmt={fmt} testId={testId} />
      <div className="muted">
        vs previous {span} <strong>{fmt.change(pick(current), pick(previous), previous.periods)}</strong> · vs same {span} last year <strong>{fmt.change(pick(current), pick(lastYear), lastYear.periods)}</strong>
      </div>
    </section>
  );
}

/** A figure read compactly (3.4M) with its unit beside it and the exact amount on hover. */
function KpiValue({ value, measure, fmt, testId }: { value: number; measure: Measure; fmt: Formatter; testId: string }) {
  const text = measure.unit === 'currency' ? fmt.moneyCompact(value) : fmt.compact(value);
  return (
    <div className="kpi-value" title={fmt.measure(value, measure.unit)}>
      <span data-testid={testId}>{text}</span>
      {measure.unit === 'units' && <span className="kpi-unit">units</span>}
    </div>
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
        <OverviewFigures tenantId={ctx.tenantId} regional={ctx.tenant.regional} role={ctx.role} />
      </Suspense>
    </>
  );
}

async function OverviewFigures({ tenantId, regional, role }: { tenantId: string; regional: RegionalSettings; role: Role }) {
  const [figures, versions, users] = await Promise.all([dashboardFigures(tenantId), listVersions(tenantId), can(role, 'users.manage') ? listUsers(tenantId) : Promise.resolve(null)]);
  const setup: SetupState = { hasData: figures !== null, hasModel: versions.some((v) => v.stage === 'production'), users: users?.filter((u) => u.active).length ?? 0 };
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
  const fmt = formatterFor(regional);
  const { kpis, forecast, model, alerts, target, revenue, step, periods } = figures;
  const span = formatSpan(periods, step);
  const per = periodWord(step);
  const accuracy = model ? accuracyWords(model.metrics.wape, model.baselineMetrics.wape, step, fmt) : null;
  const production = model ? versions.find((v) => v.id === model.id) : undefined;
  const advice = production ? recommendation(production, versions, step, fmt) : null;
  const forecastSpan = forecast ? formatSpan(forecast.periods, step) : span;
  return (
    <>
      <SetupChecklist role={role} state={setup} />
      <p className="muted" data-testid="overview-window">
        Last {span} of data: {fmt.day(kpis.current.from)} to {fmt.day(kpis.current.to)}.
      </p>
      <div className="kpi-grid">
        {revenue && <Kpi title={revenue.label} measure={revenue} pick={(w) => w.value ?? 0} {...kpis} testId="kpi-sales" fmt={fmt} span={span} />}
        <Kpi title={target.label} measure={target} pick={(w) => w.target} {...kpis} testId="kpi-units" fmt={fmt} span={span} />
        <section className="card" aria-label={`Forecast for the next ${forecastSpan}`} data-testid="kpi-forecast-card">
          <div className="muted">
            Forecast, next {forecastSpan} · {target.label}
          </div>
          {forecast ? (
            <>
              <KpiValue value={forecast.total} measure={target} fmt={fmt} testId="kpi-forecast" />
              <div className="muted">
                vs last {forecast.perPeriod ? `${span}, per ${per}` : span} <strong>{fmt.signedPercent(forecast.changeVsLast)}</strong>
              </div>
            </>
          ) : (
            <p>
              No model in production yet. <Link href="/models">Models</Link>
            </p>
          )}
        </section>
        <section className="card" aria-label="Forecast accuracy" data-testid="kpi-accuracy">
          <div className="muted">
            Forecast accuracy: <MetricTerm metric="wape">typical {step === 7 ? 'weekly' : 'daily'} error</MetricTerm>
          </div>
          {model && accuracy ? (
            <>
              <div className="kpi-value">
                <span data-testid="kpi-wape">{shareWords(model.metrics.wape, fmt)}</span>
                <span className="kpi-unit">of sales</span>
              </div>
              <div className="muted" data-testid="kpi-accuracy-versus">
                {accuracy.comparison} (<strong data-testid="kpi-baseline-wape">{shareWords(model.baselineMetrics.wape, fmt)}</strong>) · {model.id} ({model.algorithm})
              </div>
              {advice && (
                <p className="verdict" data-testid="kpi-advice">
                  {accuracy.verdict === 'worse' ? 'Worse than the simple rule.' : 'Adds nothing over the simple rule.'} <Link href="/models">What to do</Link>
                </p>
              )}
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
        <h2 id="overview-chart-title">Recent {target.label.toLowerCase()} and forecast</h2>
        {forecast ? (
          <p className="meta-line">
            <span>
              Model <strong data-testid="model-version">{forecast.modelVersion}</strong>
            </span>
            <span>
              generated <time dateTime={forecast.generatedAt}>{fmt.dateTime(forecast.generatedAt)}</time>
            </span>
            <span>shaded: 80% and 95% intervals</span>
          </p>
        ) : (
          <p className="muted">No model is in production yet: the chart shows actuals only.</p>
        )}
        <OverviewChart
          dates={figures.history.map((h) => h.date)}
          totals={figures.history.map((h) => h.total)}
          forecast={forecast ? chartSeries(forecast.points) : null}
          label={`${target.label}: recent actuals and forecast`}
          title={`${perPeriod(target.label, step)}: last ${formatSpan(figures.history.length, step)}${forecast ? ` and the next ${forecastSpan}` : ''}`}
          measure={target}
          step={step}
          regional={regional}
        />
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
                  {a.message} · <time dateTime={a.at}>{fmt.dateTime(a.at)}</time>
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
