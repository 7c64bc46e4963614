import type { Metadata } from 'next';
import { z } from 'zod';
import { requirePage } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { loadTable } from '@/lib/datasets/store';
import { isAppError } from '@/lib/errors';
import { MATERIAL_SHARE, getTopProducts, type TopProducts } from '@/lib/forecast/service';
import { formatInteger, formatSignedPercent } from '@/lib/format';
import { breakdown, groupingColumns, heatmap, monthHeatmap, seasonality } from '@/ml/data/analytics';
import { nameBook, valueLabel } from '@/ml/data/names';
import { percentCell, roundFigure } from '@/lib/exports';
import { pickerValues } from '@/ml/data/selection';
import { dateRange } from '@/ml/data/table';
import { formatDay } from '@/ml/data/dates';
import { CsvDownload } from '@/components/csv-download';
import { BreakdownChart, Heatmap, SeasonalityCharts } from './charts';

export const metadata: Metadata = { title: 'Analysis' };

type Search = Record<string, string | string[] | undefined>;
const querySchema = z.object({
  days: z.coerce.number().int().refine((d) => [7, 30, 90, 365].includes(d)).catch(30),
  by: z.string().max(60).optional(),
  rows: z.string().max(60).optional(),
  cols: z.string().max(60).optional(),
  /** Top products by forecast growth: the period compared, and an optional category. */
  period: z.enum(['week', 'month', 'quarter']).catch('month'),
  category: z.string().trim().max(100).optional().catch(undefined),
});
const PERIOD_LABEL = { week: 'week', month: 'month', quarter: 'quarter' } as const;
/** The heatmap's time dimension, offered beside the grouping columns. */
const MONTH_COLUMN = 'calendar month';
const num = formatInteger;
const pct = formatSignedPercent;

export default async function AnalysisPage({ searchParams }: { searchParams: Promise<Search> }) {
  const ctx = await requirePage('dashboards.read', '/analysis');
  const raw = Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const q = querySchema.parse(raw);
  const loaded = await loadTable(ctx.tenantId);
  if (!loaded) {
    return (
      <>
        <h1>Analysis</h1>
        <section className="card empty">
          <p>No data yet. Import it on the Data page.</p>
        </section>
      </>
    );
  }
  const { table } = loaded;
  const columns = groupingColumns(table);
  const by = q.by && columns.includes(q.by) ? q.by : columns[0];
  const rowsCol = q.rows && columns.includes(q.rows) ? q.rows : table.keyNames[0] ?? columns[0];
  // A column against itself is a diagonal: the default is another column, else the calendar month.
  const heatmapColumns = [...columns, MONTH_COLUMN];
  const wantedCols = q.cols && heatmapColumns.includes(q.cols) && q.cols !== rowsCol ? q.cols : undefined;
  const colsCol = wantedCols ?? columns.find((c) => c === 'dept_name' && c !== rowsCol) ?? columns.find((c) => c !== rowsCol) ?? MONTH_COLUMN;
  const { last } = dateRange(table);
  const span = table.step === 7 ? Math.max(7, Math.round(q.days / 7) * 7) : q.days;
  const from = last - span + table.step;
  const rows = breakdown(table, by, from, last);
  const top = rows.slice(0, 30);
  const season = seasonality(table);
  const byMonth = colsCol === MONTH_COLUMN;
  const hm = byMonth ? monthHeatmap(table, rowsCol) : heatmap(table, rowsCol, colsCol, from, last);
  // Keep the heatmap readable: the 20 largest rows and 15 largest columns.
  const finite = (v: number) => (Number.isFinite(v) ? v : 0);
  const rowTotals = hm.values.map((r) => r.reduce((a, b) => a + finite(b), 0));
  const colTotals = hm.cols.map((_, j) => hm.values.reduce((s, r) => s + finite(r[j]), 0));
  const keepRows = rowTotals.map((t, i) => [t, i] as const).sort((a, b) => b[0] - a[0]).slice(0, 20).map(([, i]) => i);
  const keepCols = byMonth ? hm.cols.map((_, j) => j) : colTotals.map((t, j) => [t, j] as const).sort((a, b) => b[0] - a[0]).slice(0, 15).map(([, j]) => j);
  const label = (column: string, value: string) => valueLabel(table, column, value);
  const target = table.targetName;
  const categories = pickerValues(table).categories;
  const category = q.category && categories.includes(q.category) ? q.category : undefined;
  let growth: TopProducts | null = null;
  let growthError: string | null = null;
  try {
    growth = await getTopProducts(ctx.tenantId, { time_period: q.period, category, limit: 20 });
  } catch (e) {
    if (!isAppError(e) || (e.code !== 'not_found' && e.code !== 'conflict')) throw e;
    growthError = e.message;
  }
  const canExport = can(ctx.role, 'exports.download');
  // A dataset without item names (a generic CSV with ids only) gets no column of dashes.
  const hasNames = growth?.products.some((p) => p.name !== null) ?? false;
  return (
    <>
      <h1>Analysis</h1>
      <form method="get" className="card form-grid" aria-label="Choose the view">
        <label>
          Period
          <select name="days" defaultValue={String(q.days)}>
            <option value="7">last 7 days</option>
            <option value="30">last 30 days</option>
            <option value="90">last 90 days</option>
            <option value="365">last 365 days</option>
          </select>
        </label>
        <label>
          Break down by
          <select name="by" defaultValue={by}>
            {columns.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
        <label>
          Heatmap rows
          <select name="rows" defaultValue={rowsCol}>
            {columns.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
        <label>
          Heatmap columns
          <select name="cols" defaultValue={colsCol}>
            {heatmapColumns.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
        <label>
          Growth period
          <select name="period" defaultValue={q.period}>
            <option value="week">next week vs last</option>
            <option value="month">next month vs last</option>
            <option value="quarter">next quarter vs last</option>
          </select>
        </label>
        {categories.length > 0 && (
          <label>
            Growth category
            <select name="category" defaultValue={category ?? ''}>
              <option value="">All categories</option>
              {categories.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
        )}
        <div>
          <button type="submit">Show</button>
        </div>
      </form>
      <section className="card" aria-labelledby="breakdown">
        <h2 id="breakdown">
          {target} by {by}, {formatDay(from)} to {formatDay(last)}
        </h2>
        <BreakdownChart labels={top.map((r) => label(by, r.value))} current={top.map((r) => r.current)} previous={top.map((r) => r.previous)} by={by} />
        <div className="table-wrap">
          <table data-testid="breakdown-table">
            <thead>
              <tr>
                <th>{by}</th>
                <th>{target}</th>
                <th>Share</th>
                <th>Period before</th>
                <th>Change</th>
              </tr>
            </thead>
            <tbody>
              {top.map((r) => (
                <tr key={r.value}>
                  <td>{label(by, r.value)}</td>
                  <td>{num(r.current)}</td>
                  <td>{(r.share * 100).toFixed(1)}%</td>
                  <td>{num(r.previous)}</td>
                  <td>{pct(r.change)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {canExport && (
          <CsvDownload
            header={[by, ...(by === 'store' || by === 'item' ? [`${by}_name`] : []), target, 'share', 'period_before', 'change']}
            rows={rows.map((r) => [r.value, ...(by === 'store' || by === 'item' ? [nameBook(table).name(by, r.value)] : []), roundFigure(r.current), percentCell(r.share), roundFigure(r.previous), percentCell(r.change)])}
            filename={`breakdown-${by}.csv`}
          />
        )}
      </section>
      <section className="card" aria-labelledby="growth" data-testid="top-products">
        <h2 id="growth">
          Top products by forecast growth: next {PERIOD_LABEL[q.period]} against the last{category ? `, ${category}` : ''}
        </h2>
        {growthError ? (
          <p className="alert error" role="alert">
            {growthError}
          </p>
        ) : !growth ? (
          <p className="muted" data-testid="no-model">
            No model is in production yet: the forecast growth of each product appears here once a manager promotes one on the Models page.
          </p>
        ) : growth.products.length === 0 ? (
          <p className="muted">This dataset has no items to rank.</p>
        ) : (
          <>
            <p className="meta-line">
              <span>
                Model <strong>{growth.model_version}</strong>
              </span>
              <span>
                generated <time dateTime={growth.generated_at}>{growth.generated_at.slice(0, 16).replace('T', ' ')} UTC</time>
              </span>
              <span>
                {growth.periods} {table.step === 7 ? 'weeks' : 'days'} each side, summed over stores
              </span>
              <span>items selling under {Math.round(MATERIAL_SHARE * 100)}% of the average item rank after the rest</span>
            </p>
            <div className="table-wrap">
              <table data-testid="top-products-table">
                <caption className="visually-hidden">Products ranked by forecast growth</caption>
                <thead>
                  <tr>
                    <th scope="col">Item</th>
                    {hasNames && <th scope="col">Name</th>}
                    <th scope="col">Category</th>
                    <th scope="col" className="num">
                      Last {PERIOD_LABEL[q.period]}
                    </th>
                    <th scope="col" className="num">
                      Next {PERIOD_LABEL[q.period]} (forecast)
                    </th>
                    <th scope="col" className="num">
                      Growth
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {growth.products.map((p) => (
                    <tr key={p.item}>
                      <th scope="row">{p.item}</th>
                      {hasNames && <td>{p.name ?? '—'}</td>}
                      <td>{p.category ?? '—'}</td>
                      <td className="num">{num(p.previous)}</td>
                      <td className="num">{num(p.forecast)}</td>
                      <td className="num">{pct(p.growth)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {canExport && (
              <div className="actions-row">
                <CsvDownload
                  header={['item', 'name', 'category', 'previous', 'forecast', 'growth']}
                  rows={growth.products.map((p) => [p.item, p.name, p.category, roundFigure(p.previous), roundFigure(p.forecast), percentCell(p.growth)])}
                  filename={`top-products-${q.period}${category ? `-${category}` : ''}.csv`}
                />
              </div>
            )}
          </>
        )}
      </section>
      <section className="card" aria-labelledby="seasonality">
        <h2 id="seasonality">Seasonality</h2>
        <SeasonalityCharts weekday={season.weekday} month={season.month} weekly={table.step === 7} />
      </section>
      <section className="card" aria-labelledby="heatmap">
        <h2 id="heatmap">
          {rowsCol} × {colsCol}
          {byMonth ? `: mean ${target} per ${table.step === 7 ? 'week' : 'day'}, all history` : ''}
        </h2>
        <Heatmap rows={keepRows.map((i) => label(rowsCol, hm.rows[i]))} cols={keepCols.map((j) => label(colsCol, hm.cols[j]))} values={keepRows.map((i) => keepCols.map((j) => hm.values[i][j]))} rowLabel={rowsCol} colLabel={colsCol} />
      </section>
    </>
  );
}
