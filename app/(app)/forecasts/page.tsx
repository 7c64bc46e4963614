import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { requirePage } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { loadTable } from '@/lib/datasets/store';
import { productionVersion } from '@/lib/registry/store';
import { isAppError } from '@/lib/errors';
import { forecastQuerySchema, type ForecastQuery } from '@/lib/schemas/forecast';
import { getSelectionForecast } from '@/lib/forecast/service';
import { chartSeries } from '@/lib/reports/data';
import { formatSpan, formatterFor, perPeriod, type RegionalSettings } from '@/lib/format';
import { datasetLabels } from '@/lib/datasets/labels';
import { z } from 'zod';
import { resolveSelection, SelectionError } from '@/ml/data/selection';
import { canonicalSelection, pickerOptions } from '@/ml/data/names';
import { totalsByDay } from '@/ml/data/analytics';
import { dateRange } from '@/ml/data/table';
import { formatDay, parseIsoDay } from '@/ml/data/dates';
import { ForecastChart } from './chart';
import { ForecastFilters } from './filters';

export const metadata: Metadata = { title: 'Forecasts' };

type Search = Record<string, string | string[] | undefined>;

/** The query string of a selection, as the URL and the CSV link carry it. */
function queryString(q: ForecastQuery): string {
  const p = new URLSearchParams();
  for (const k of ['store', 'category', 'item'] as const) if (q[k] !== undefined) p.set(k, q[k]);
  p.set('horizon', String(q.horizon));
  return p.toString();
}

/** Weekly data's horizon picker counts weeks (13 weeks: the 90 days the API allows, rounded up). */
const weeksSchema = z.coerce.number({ message: 'weeks must be a whole number' }).int('weeks must be a whole number').min(1, 'weeks must be 1 or more').max(13, 'weeks must be at most 13');
/** The page's default look ahead: 30 days, or 4 weeks of weekly data. */
const defaultHorizonDays = (step: number) => (step === 7 ? 28 : 30);

/** History, last year and the production model's forecast of one selection. */
async function ForecastSection({ tenantId, q, canExport, hasModel, regional }: { tenantId: string; q: ForecastQuery; canExport: boolean; hasModel: boolean; regional: RegionalSettings }) {
  const loaded = await loadTable(tenantId);
  if (!loaded) return null;
  const { table } = loaded;
  const fmt = formatterFor(regional);
  const labels = datasetLabels(table, loaded.manifest.mapping);
  const periodsWord = (n: number) => formatSpan(n, table.step);
  let selection;
  try {
    selection = resolveSelection(table, { store: q.store, category: q.category, item: q.item });
  } catch (e) {
    if (!(e instanceof SelectionError)) throw e;
    return (
      <p className="alert error" role="alert" data-testid="forecast-error">
        {e.message} Pick another value above.
      </p>
    );
  }
  if (selection.series.length === 0) {
    return (
      <section className="card empty" data-testid="forecast-empty">
        <p>No series matches {selection.label}: this combination was never sold. Pick another store, category or item.</p>
      </section>
    );
  }
  let forecast = null;
  let forecastError: string | null = null;
  if (hasModel) {
    try {
      forecast = await getSelectionForecast(tenantId, q);
    } catch (e) {
      if (!isAppError(e) || (e.code !== 'not_found' && e.code !== 'conflict')) throw e;
      forecastError = e.message;
    }
  }
  const { last } = dateRange(table);
  const historyDays = table.step === 7 ? 52 * 7 : 180;
  const firstDay = last - historyDays + table.step;
  const lastForecastDay = forecast && forecast.points.length > 0 ? parseIsoDay(forecast.points[forecast.points.length - 1].date) : last + q.horizon;
  const history = totalsByDay(table, firstDay, last, selection.mask);
  // Last year: the same weekdays 52 weeks back, over the history and the forecast's days.
  const lastYear = totalsByDay(table, firstDay - 364, lastForecastDay - 364, selection.mask).map((h) => ({ day: h.day + 364, total: h.total }));
  const qs = queryString({ ...q, ...selection.canonical });
  return (
    <section className="card" aria-labelledby="chart-title" data-testid="forecast-section">
      <h2 id="chart-title">
        {labels.target.label}: {selection.label} ({selection.series.length} series)
      </h2>
      {forecast ? (
        <p className="meta-line" data-testid="forecast-meta">
          <span>
            Model <strong data-testid="model-version">{forecast.model_version}</strong>
          </span>
          <span>
            generated <time dateTime={forecast.generated_at}>{fmt.dateTime(forecast.generated_at)}</time>
          </span>
          <span data-testid="forecast-span">
            {periodsWord(forecast.points.length)} ahead, from {forecast.points[0] ? fmt.day(forecast.points[0].date) : '—'} · total {fmt.measure(forecast.points.reduce((s, p) => s + p.forecast, 0), labels.target.unit)}
          </span>
        </p>
      ) : forecastError ? (
        <p className="alert error" role="alert">
          {forecastError}
        </p>
      ) : (
        <p className="muted" data-testid="no-model">
          No model is in production yet: the chart shows history and last year. A manager trains and promotes one on the <Link href="/models">Models</Link> page.
        </p>
      )}
      <ForecastChart
        history={{ dates: history.map((h) => formatDay(h.day)), values: history.map((h) => h.total) }}
        lastYear={{ dates: lastYear.map((h) => formatDay(h.day)), values: lastYear.map((h) => h.total) }}
        forecast={forecast ? chartSeries(forecast.points) : null}
        label={`History, last year and forecast of ${selection.label}`}
        title={`${perPeriod(labels.target.label, table.step)}, ${selection.label}: history, last year${forecast ? ` and the next ${periodsWord(forecast.points.length)}` : ''}`}
        measure={labels.target}
        step={table.step}
        regional={regional}
      />
      {forecast && (
        <>
          <div className="actions-row">
            {canExport && (
              <a className="button secondary" href={`/forecasts/export?${qs}`} download data-testid="download-forecast-csv">
                Download CSV
              </a>
            )}
          </div>
          <details className="data-table">
            <summary>Forecast as a table</summary>
            <div className="table-wrap">
              <table data-testid="forecast-table">
                <caption className="visually-hidden">
                  Forecast of {selection.label} with 80% and 95% intervals, {fmt.title(labels.target)}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">{table.step === 7 ? 'Week' : 'Date'}</th>
                    <th scope="col" className="num">
                      Forecast ({labels.target.unit === 'currency' ? regional.currency : labels.target.unit === 'units' ? 'units' : labels.target.label})
                    </th>
                    <th scope="col" className="num">
                      80% low
                    </th>
                    <th scope="col" className="num">
                      80% high
                    </th>
                    <th scope="col" className="num">
                      95% low
                    </th>
                    <th scope="col" className="num">
                      95% high
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {forecast.points.map((p) => (
                    <tr key={p.date}>
                      <th scope="row">
                        <time dateTime={p.date}>{fmt.day(p.date)}</time>
                      </th>
                      <td className="num">{fmt.integer(p.forecast)}</td>
                      <td className="num">{fmt.integer(p.p80[0])}</td>
                      <td className="num">{fmt.integer(p.p80[1])}</td>
                      <td className="num">{fmt.integer(p.p95[0])}</td>
                      <td className="num">{fmt.integer(p.p95[1])}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </section>
  );
}

export default async function ForecastsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const ctx = await requirePage('dashboards.read', '/forecasts');
  const raw = Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const [loaded, production] = await Promise.all([loadTable(ctx.tenantId), productionVersion(ctx.tenantId)]);
  if (!loaded) {
    return (
      <>
        <h1>Forecasts</h1>
        <section className="card empty" data-testid="forecast-empty">
          <p>
            No data yet. Import it on the <Link href="/data">Data</Link> page, then train a model.
          </p>
        </section>
      </>
    );
  }
  const { table } = loaded;
  const weekly = table.step === 7;
  // Weekly data is looked at in weeks (?weeks=6); a shared link in days (?horizon=42, as the API takes) works too.
  const weeks = weekly && raw.weeks !== undefined && raw.weeks !== '' ? weeksSchema.safeParse(raw.weeks) : null;
  const input = { ...raw, horizon: weeks?.success ? String(Math.min(90, weeks.data * 7)) : raw.horizon === undefined || raw.horizon === '' ? String(defaultHorizonDays(table.step)) : raw.horizon };
  const parsed = forecastQuerySchema.safeParse(input);
  const fallback = { ...input, horizon: String(defaultHorizonDays(table.step)) };
  const q = parsed.success ? parsed.data : (forecastQuerySchema.safeParse(fallback).data ?? forecastQuerySchema.parse({ horizon: fallback.horizon }));
  const problems = [...(weeks && !weeks.success ? weeks.error.issues.map((i) => i.message) : []), ...(!parsed.success ? parsed.error.issues.map((i) => i.message) : [])];
  const pickers = pickerOptions(table);
  return (
    <>
      <h1>Forecasts</h1>
      <ForecastFilters stores={pickers.stores} categories={pickers.categories} items={pickers.items} current={{ ...q, ...canonicalSelection(table, q) }} weekly={weekly} />
      {problems.length > 0 && (
        <p className="alert error" role="alert">
          {problems.join('; ')}; showing {weekly ? formatSpan(Math.ceil(q.horizon / 7), 7) : formatSpan(q.horizon, 1)} instead.
        </p>
      )}
      <Suspense
        key={queryString(q)}
        fallback={
          <div className="card" role="status" aria-label="Computing the forecast">
            <div className="skeleton" style={{ height: '420px' }} />
          </div>
        }
      >
        <ForecastSection tenantId={ctx.tenantId} q={q} canExport={can(ctx.role, 'exports.download')} hasModel={Boolean(production)} regional={ctx.tenant.regional} />
      </Suspense>
    </>
  );
}
