import type { Metadata } from 'next';
import Link from 'next/link';
import { requirePage } from '@/lib/auth/guards';
import { loadTable } from '@/lib/datasets/store';
import { productionVersion } from '@/lib/registry/store';
import { periodKpis, totalsByDay, type WindowTotals } from '@/ml/data/analytics';
import { dateRange } from '@/ml/data/table';
import { formatDay } from '@/ml/data/dates';
import { OverviewChart } from './overview-chart';
import { formatChange as change, formatInteger as num, formatPercent } from '@/lib/format';

export const metadata: Metadata = { title: 'Overview' };


function Kpi({ title, pick, current, previous, lastYear, testId }: { title: string; pick: (w: WindowTotals) => number; current: WindowTotals; previous: WindowTotals; lastYear: WindowTotals; testId: string }) {
  return (
    <section className="card" aria-label={title}>
      <div className="muted">{title}</div>
      <div style={{ fontSize: '1.6rem', fontWeight: 700 }} data-testid={testId}>
        {num(pick(current))}
      </div>
      <div className="muted">
        vs prior period <strong>{change(pick(current), pick(previous), previous.periods)}</strong> · vs last year <strong>{change(pick(current), pick(lastYear), lastYear.periods)}</strong>
      </div>
    </section>
  );
}

export default async function OverviewPage() {
  const ctx = await requirePage('dashboards.read', '/');
  const [loaded, production] = await Promise.all([loadTable(ctx.tenantId), productionVersion(ctx.tenantId)]);
  if (!loaded) {
    return (
      <>
        <h1>Overview</h1>
        <section className="card empty">
          <p>
            No data yet. <Link href="/data">Import your sales</Link> to see KPIs, forecasts and recommendations.
          </p>
        </section>
      </>
    );
  }
  const { table } = loaded;
  const revenue = table.numeric.sum_total ? 'sum_total' : undefined;
  const kpis = periodKpis(table, 30, revenue);
  const { last } = dateRange(table);
  const history = totalsByDay(table, last - 180, last);
  return (
    <>
      <h1>Overview</h1>
      {kpis && (
        <>
          <p className="muted">
            Last 30 days of data: {kpis.current.from} to {kpis.current.to}.
          </p>
          <div className="grid">
            {revenue && <Kpi title="Sales (revenue)" pick={(w) => w.value ?? 0} {...kpis} testId="kpi-sales" />}
            <Kpi title={revenue ? 'Units sold' : `${table.targetName}`} pick={(w) => w.target} {...kpis} testId="kpi-units" />
            <section className="card" aria-label="Model accuracy">
              <div className="muted">Production model</div>
              {production ? (
                <>
                  <div style={{ fontSize: '1.6rem', fontWeight: 700 }}>WAPE {formatPercent(production.metrics.wape)}</div>
                  <div className="muted">
                    seasonal naive {formatPercent(production.baselineMetrics.wape)} · {production.id} ({production.algorithm})
                  </div>
                </>
              ) : (
                <p>
                  No model in production yet. <Link href="/models">Models</Link>
                </p>
              )}
            </section>
          </div>
        </>
      )}
      <section className="card">
        <h2>
          {table.targetName} per {table.step === 7 ? 'week' : 'day'}, last 6 months
        </h2>
        <OverviewChart dates={history.map((h) => formatDay(h.day))} totals={history.map((h) => h.total)} label="Recent daily totals" />
      </section>
    </>
  );
}
