import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { requirePage } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { loadTable } from '@/lib/datasets/store';
import { datasetLabels, type DatasetMeasure } from '@/lib/datasets/labels';
import { isAppError } from '@/lib/errors';
import { getTopProducts, type TopProducts } from '@/lib/forecast/service';
import { materialFloor, rankByGrowth } from '@/lib/reports/data';
import { formatSpan, formatterFor, type Formatter } from '@/lib/format';
import { breakdown, groupingColumns, heatmap, monthHeatmap, seasonality, summaryPeriods, type BreakdownRow } from '@/ml/data/analytics';
import { nameBook, valueLabel } from '@/ml/data/names';
import { percentCell, roundFigure } from '@/lib/exports';
import { categoryColumn, pickerValues, resolveSelection, SelectionError, type Selection } from '@/ml/data/selection';
import { dateRange, type DailyTable } from '@/ml/data/table';
import { CsvDownload } from '@/components/csv-download';
import { BreakdownChart, Heatmap, SeasonalityCharts } from './charts';

export const metadata: Metadata = { title: 'Analysis' };

type Search = Record<string, string | string[] | undefined>;
const filterValue = z.string().trim().min(1).max(200).optional().catch(undefined);
const querySchema = z.object({
  days: z.coerce.number().int().optional().catch(undefined),
  by: z.string().max(60).optional().catch(undefined),
  rows: z.string().max(60).optional().catch(undefined),
  cols: z.string().max(60).optional().catch(undefined),
  measure: z.enum(['units', 'revenue', 'target']).optional().catch(undefined),
  /** The drill-down: a store, a category, an item (any of them), which every section follows. */
  store: filterValue,
  category: filterValue,
  item: filterValue,
  /** Top products by forecast growth: the period compared, and the least volume a product sold in the last period to be ranked. */
  period: z.enum(['week', 'month', 'quarter']).catch('month'),
  min: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().min(0).max(1e15).optional()).catch(undefined),
});
type Query = z.infer<typeof querySchema>;

/**
 * Up to this many values the chart draws them all (45 stores read fine); more (187 items) and it
 * draws the largest MAX_BARS_SHOWN, the note says how much the others add up to, and the table
 * lists every value. The others are not one bar: their sum would dwarf the bars that are shown.
 */
const MAX_BARS = 60;
const MAX_BARS_SHOWN = 30;
/** Top products shown, after the volume filter. */
const GROWTH_ROWS = 20;

/** The windows offered, in the data's grain: days of daily data, whole weeks of weekly data. */
function windowOptions(step: 1 | 7): { days: number; label: string }[] {
  const periods = step === 7 ? [4, 13, 26, 52] : [7, 30, 90, 365];
  return periods.map((n) => ({ days: n * step, label: `last ${formatSpan(n, step)}` }));
}

/** The drill path of a table: store, then category, then item, as far as it has them. */
function drillLevels(t: DailyTable): { column: string; param: keyof Selection }[] {
  const levels: { column: string; param: keyof Selection }[] = [];
  if (t.keyNames.includes('store')) levels.push({ column: 'store', param: 'store' });
  const cat = categoryColumn(t);
  if (cat) levels.push({ column: cat, param: 'category' });
  if (t.keyNames.includes('item')) levels.push({ column: 'item', param: 'item' });
  return levels;
}

const PARAM_ORDER = ['store', 'category', 'item', 'by', 'measure', 'days', 'rows', 'cols', 'period', 'min'] as const;

/** The Analysis URL of the current view with some parameters changed (undefined removes one). */
function viewHref(q: Query, changes: Partial<Record<(typeof PARAM_ORDER)[number], string | number | undefined>>): string {
  const p = new URLSearchParams();
  for (const k of PARAM_ORDER) {
    const v = k in changes ? changes[k] : q[k];
    // The default growth period stays out of the URL.
    if (v !== undefined && v !== '' && !(k === 'period' && v === 'month')) p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `/analysis?${s}` : '/analysis';
}

/** The chart's rows: every value, or the largest MAX_BARS_SHOWN and what the rest add up to. */
function chartRows(rows: BreakdownRow[]): { rows: BreakdownRow[]; hidden: { count: number; current: number; share: number } | null } {
  if (rows.length <= MAX_BARS) return { rows, hidden: null };
  const rest = rows.slice(MAX_BARS_SHOWN);
  return { rows: rows.slice(0, MAX_BARS_SHOWN), hidden: { count: rest.length, current: rest.reduce((s, r) => s + r.current, 0), share: rest.reduce((s, r) => s + r.share, 0) } };
}

/** The heatmap's time dimension, offered beside the grouping columns. */
const MONTH_COLUMN = 'calendar month';

/** A choice of one of the data's columns, shown by their labels. */
function ColumnSelect({ title, name, value, columns, label }: { title: string; name: string; value: string; columns: readonly string[]; label: (column: string) => string }) {
  return (
    <label>
      {title}
      <select name={name} defaultValue={value}>
        {columns.map((c) => (
          <option key={c} value={c}>
            {label(c)}
          </option>
        ))}
      </select>
    </label>
  );
}

const changeClass = (x: number | null) => (x === null || x === 0 ? undefined : x > 0 ? 'tone-better' : 'tone-worse');

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
  const fmt = formatterFor(ctx.tenant.regional);
  const labels = datasetLabels(table, loaded.manifest.mapping);
  // A column's display label (dept_name -> Department); a value's display name (an item's name and id).
  const label = (column: string) => (column === MONTH_COLUMN ? 'Calendar month' : labels.label(column));
  const valueName = (column: string, value: string) => (column === MONTH_COLUMN ? value : valueLabel(table, column, value));
  const columns = groupingColumns(table);
  const levels = drillLevels(table);

  // The drill-down, checked against the data: an unknown value is said and left out.
  let filters: Selection = { store: q.store, category: q.category, item: q.item };
  let filterError: string | null = null;
  let selection;
  try {
    selection = resolveSelection(table, filters);
  } catch (e) {
    if (!(e instanceof SelectionError)) throw e;
    filterError = `${e.message} It is left out.`;
    filters = { ...filters, [e.field]: undefined };
    selection = resolveSelection(table, filters);
  }
  const filtered = filters.store !== undefined || filters.category !== undefined || filters.item !== undefined;
  const mask = filtered ? selection.mask : undefined;
  const view: Query = { ...q, ...filters };

  const measure: DatasetMeasure = labels.measures.find((m) => m.id === q.measure) ?? labels.measures[0];
  const values = measure.column ? table.numeric[measure.column] : table.target;
  const nextLevel = levels.find((l) => filters[l.param] === undefined);
  const by = q.by && columns.includes(q.by) ? q.by : (nextLevel?.column ?? levels.at(-1)?.column ?? columns[0]);
  const drill = levels.find((l) => l.column === by);
  const afterDrill = drill ? levels[levels.indexOf(drill) + 1] : undefined;

  const options = windowOptions(table.step);
  const defaultDays = summaryPeriods(table.step) * table.step;
  const days = options.some((o) => o.days === q.days) ? (q.days as number) : defaultDays;
  const { last } = dateRange(table);
  const from = last - days + table.step;
  const rows = breakdown(table, by, from, last, mask, values);
  const chart = chartRows(rows);
  // Clicking a value of a drill level filters to it and breaks down by the next level; an item opens its forecast.
  const hrefOf = (value: string): string | null => {
    if (!drill) return null;
    if (drill.param === 'item') {
      const p = new URLSearchParams({ ...(filters.store ? { store: filters.store } : {}), ...(filters.category ? { category: filters.category } : {}), item: value });
      return `/forecasts?${p}`;
    }
    return viewHref(view, { [drill.param]: value, by: undefined });
  };
  const scope = selection.label === 'all series' ? 'all data' : selection.label;
  const season = seasonality(table, mask, values);
  const rowsCol = q.rows && columns.includes(q.rows) ? q.rows : (table.keyNames[0] ?? columns[0]);
  // A column against itself is a diagonal: the default is another column, else the calendar month.
  const heatmapColumns = [...columns, MONTH_COLUMN];
  const wantedCols = q.cols && heatmapColumns.includes(q.cols) && q.cols !== rowsCol ? q.cols : undefined;
  const colsCol = wantedCols ?? columns.find((c) => c === 'dept_name' && c !== rowsCol) ?? columns.find((c) => c !== rowsCol) ?? MONTH_COLUMN;
  const byMonth = colsCol === MONTH_COLUMN;
  const hm = byMonth ? monthHeatmap(table, rowsCol) : heatmap(table, rowsCol, colsCol, from, last, mask, values);
  // Keep the heatmap readable: the 20 largest rows and 15 largest columns.
  const finite = (v: number) => (Number.isFinite(v) ? v : 0);
  const rowTotals = hm.values.map((r) => r.reduce((a, b) => a + finite(b), 0));
  const colTotals = hm.cols.map((_, j) => hm.values.reduce((s, r) => s + finite(r[j]), 0));
  const keepRows = rowTotals.map((t, i) => [t, i] as const).filter(([t]) => t !== 0).sort((a, b) => b[0] - a[0]).slice(0, 20).map(([, i]) => i);
  const keepCols = byMonth ? hm.cols.map((_, j) => j) : colTotals.map((t, j) => [t, j] as const).filter(([t]) => t !== 0).sort((a, b) => b[0] - a[0]).slice(0, 15).map(([, j]) => j);
  const hasNameColumn = by === 'store' || by === 'item';
  const canExport = can(ctx.role, 'exports.download');
  const windowText = `${fmt.day(from)} to ${fmt.day(last)}`;
  const unitText = measure.unit === 'currency' ? ctx.tenant.regional.currency : measure.unit === 'units' ? 'units' : measure.label;
  // The column titles carry the unit: units need no word in every cell, money keeps its symbol.
  const cell = (x: number) => (measure.unit === 'currency' ? fmt.money(x) : fmt.integer(x));

  // Breadcrumbs: every step of the drill-down, each a link back up to it.
  const crumbs: { text: string; href: string }[] = [{ text: 'All data', href: viewHref(view, { store: undefined, category: undefined, item: undefined, by: undefined }) }];
  const kept: Partial<Record<keyof Selection, string | undefined>> = { store: undefined, category: undefined, item: undefined };
  for (const l of levels) {
    const v = filters[l.param];
    if (v === undefined) continue;
    kept[l.param] = v;
    crumbs.push({ text: `${label(l.column)} ${valueName(l.column, v)}`, href: viewHref(view, { ...kept, by: undefined }) });
  }

  return (
    <>
      <h1>Analysis</h1>
      <nav aria-label="Drill-down" data-testid="drill-path">
        <ol className="breadcrumbs">
          {crumbs.map((c, i) => (
            <li key={c.href}>{i === crumbs.length - 1 ? <strong aria-current="page">{c.text}</strong> : <Link href={c.href}>{c.text}</Link>}</li>
          ))}
        </ol>
      </nav>
      {filterError && (
        <p className="alert error" role="alert">
          {filterError}
        </p>
      )}
      <div className="card" style={{ display: 'grid', gap: '0.75rem' }}>
        {labels.measures.length > 1 ? (
          <div role="group" aria-label="Measure" className="actions-row" style={{ marginTop: 0 }}>
            <span className="muted">Measure</span>
            <span className="segmented" data-testid="measure-switch">
              {labels.measures.map((m) => (
                <Link key={m.id} href={viewHref(view, { measure: m.id === labels.measures[0].id ? undefined : m.id })} aria-current={m.id === measure.id ? 'true' : undefined}>
                  {fmt.title(m)}
                </Link>
              ))}
            </span>
          </div>
        ) : (
          <p className="muted" style={{ margin: 0 }}>
            Measure: {fmt.title(measure)}
          </p>
        )}
        <form method="get" className="form-grid" aria-label="Choose the view">
          {(['store', 'category', 'item'] as const).map((k) => filters[k] !== undefined && <input key={k} type="hidden" name={k} value={filters[k]} />)}
          {q.measure && <input type="hidden" name="measure" value={measure.id} />}
          {q.min !== undefined && <input type="hidden" name="min" value={q.min} />}
          <input type="hidden" name="period" value={q.period} />
          <label>
            Period
            <select name="days" defaultValue={String(days)}>
              {options.map((o) => (
                <option key={o.days} value={o.days}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
          <ColumnSelect title="Break down by" name="by" value={by} columns={columns} label={label} />
          <ColumnSelect title="Heatmap rows" name="rows" value={rowsCol} columns={columns} label={label} />
          <ColumnSelect title="Heatmap columns" name="cols" value={colsCol} columns={heatmapColumns} label={label} />
          <div>
            <button type="submit">Apply</button>
          </div>
        </form>
      </div>
      <section className="card" aria-labelledby="breakdown" data-testid="breakdown">
        <h2 id="breakdown">
          {measure.label} by {label(by).toLowerCase()}, {scope}
        </h2>
        <p className="muted" data-testid="breakdown-note">
          {windowText}, against the {formatSpan(days / table.step, table.step)} before.{' '}
          {chart.hidden
            ? `The chart shows the ${MAX_BARS_SHOWN} largest of ${rows.length} ${label(by).toLowerCase()} values; the other ${chart.hidden.count} together: ${fmt.measure(chart.hidden.current, measure.unit)} (${fmt.percent(chart.hidden.share)} of the total). The table lists all ${rows.length}.`
            : `All ${rows.length} ${label(by).toLowerCase()} values.`}{' '}
          {drill ? (afterDrill ? `Click a bar or a name to see it by ${label(afterDrill.column).toLowerCase()}.` : drill.param === 'item' ? 'Click a bar or a name to open its forecast.' : '') : ''}
        </p>
        <BreakdownChart
          labels={chart.rows.map((r) => valueName(by, r.value))}
          current={chart.rows.map((r) => r.current)}
          previous={chart.rows.map((r) => r.previous)}
          hrefs={chart.rows.map((r) => hrefOf(r.value))}
          title={`${measure.label} by ${label(by).toLowerCase()}, ${scope}: ${windowText}${chart.hidden ? ` (largest ${MAX_BARS_SHOWN} of ${rows.length})` : ''}`}
          by={label(by)}
          measure={measure}
          regional={ctx.tenant.regional}
        />
        <div className="table-wrap" style={{ maxHeight: '32rem', overflowY: 'auto' }}>
          <table data-testid="breakdown-table">
            <thead>
              <tr>
                <th>{label(by)}</th>
                <th className="num">{fmt.title(measure)}</th>
                <th className="num">Share</th>
                <th className="num">Period before ({unitText})</th>
                <th className="num">Change</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const href = hrefOf(r.value);
                return (
                  <tr key={r.value}>
                    <td>{href ? <Link href={href}>{valueName(by, r.value)}</Link> : valueName(by, r.value)}</td>
                    <td className="num">{cell(r.current)}</td>
                    <td className="num">{fmt.percent(r.share)}</td>
                    <td className="num">{cell(r.previous)}</td>
                    <td className={`num ${changeClass(r.change) ?? ''}`}>{fmt.signedPercent(r.change)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {canExport && (
          <CsvDownload
            header={[label(by), ...(hasNameColumn ? [`${label(by)} name`] : []), fmt.title(measure), 'Share', `Period before (${unitText})`, 'Change']}
            rows={rows.map((r) => [r.value, ...(hasNameColumn ? [nameBook(table).name(by, r.value)] : []), roundFigure(r.current), percentCell(r.share), roundFigure(r.previous), percentCell(r.change)])}
            filename={`breakdown-${by}.csv`}
          />
        )}
      </section>
      <GrowthSection tenantId={ctx.tenantId} table={table} q={view} category={filters.category} store={filters.store} fmt={fmt} target={labels.target} canExport={canExport} />
      <section className="card" aria-labelledby="seasonality">
        <h2 id="seasonality">Seasonality, {scope}</h2>
        <p className="muted">
          Averages of {measure.label.toLowerCase()} over all the data{filtered ? ' of this selection' : ''}.
        </p>
        <SeasonalityCharts weekday={season.weekday} month={season.month} weekly={table.step === 7} measure={measure} scope={scope} regional={ctx.tenant.regional} />
      </section>
      <section className="card" aria-labelledby="heatmap">
        <h2 id="heatmap">
          {label(rowsCol)} × {label(colsCol)}
          {byMonth ? `: average per ${table.step === 7 ? 'week' : 'day'}, all history` : ''}
        </h2>
        {keepRows.length === 0 || keepCols.length === 0 ? (
          <p className="muted">Nothing sold in this window for this selection.</p>
        ) : (
          <Heatmap
            rows={keepRows.map((i) => valueName(rowsCol, hm.rows[i]))}
            cols={keepCols.map((j) => valueName(colsCol, hm.cols[j]))}
            values={keepRows.map((i) => keepCols.map((j) => hm.values[i][j]))}
            rowLabel={label(rowsCol)}
            colLabel={label(colsCol)}
            title={byMonth ? `${labels.target.label} by ${label(rowsCol).toLowerCase()} and calendar month, average per ${table.step === 7 ? 'week' : 'day'}` : `${measure.label} by ${label(rowsCol).toLowerCase()} and ${label(colsCol).toLowerCase()}, ${scope}: ${windowText}`}
            measure={measure}
            regional={ctx.tenant.regional}
          />
        )}
      </section>
    </>
  );
}

/**
 * Top products by forecast growth, sorted by growth as titled, with the volume beside it. Products
 * that sold little in the last period swing by large percentages on a few sales (7 -> 31 units is
 * +343%), so only those selling at least `min` are ranked: by default a fifth of the average
 * product's volume, shown and changeable in the form.
 */
async function GrowthSection({ tenantId, table, q, category, store, fmt, target, canExport }: { tenantId: string; table: DailyTable; q: Query; category: string | undefined; store: string | undefined; fmt: Formatter; target: DatasetMeasure; canExport: boolean }) {
  const categories = pickerValues(table).categories;
  let growth: TopProducts | null = null;
  let growthError: string | null = null;
  try {
    growth = await getTopProducts(tenantId, { time_period: q.period, category, limit: Number.MAX_SAFE_INTEGER });
  } catch (e) {
    if (!isAppError(e) || (e.code !== 'not_found' && e.code !== 'conflict')) throw e;
    growthError = e.message;
  }
  const period = q.period;
  const floor = growth ? materialFloor(growth.products) : 0;
  const min = q.min ?? floor;
  const ranked = growth ? rankByGrowth(growth.products, min) : [];
  const shown = ranked.slice(0, GROWTH_ROWS);
  // The retail format's catalogue has no product names: no column of dashes then.
  const hasNames = shown.some((p) => p.name !== null);
  const unit = target.unit === 'currency' ? fmt.settings.currency : target.unit === 'units' ? 'units' : target.label;
  return (
    <section className="card" aria-labelledby="growth" data-testid="top-products">
      <h2 id="growth">
        Top products by forecast growth: next {period} against the last{category ? `, ${category}` : ''}
      </h2>
      {table.keyNames.includes('item') && (
        <form method="get" className="form-grid" aria-label="Choose the products ranked">
          {(['store', 'item', 'by', 'measure', 'days', 'rows', 'cols'] as const).map((k) => q[k] !== undefined && <input key={k} type="hidden" name={k} value={String(q[k])} />)}
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
              Growth category (filters the whole page)
              <select name="category" defaultValue={category ?? ''}>
                <option value="">All categories</option>
                {categories.map((c) => (
                  <option key={c}>{c}</option>
                ))}
              </select>
            </label>
          )}
          <label>
            Only products that sold at least ({unit}, last {period}; empty: a fifth of the average product, {fmt.decimal(floor, 1)})
            <input name="min" type="number" min={0} step="any" defaultValue={q.min ?? ''} placeholder={fmt.decimal(floor, 1)} data-testid="growth-min" />
          </label>
          <div>
            <button type="submit">Show</button>
          </div>
        </form>
      )}
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
          <p className="meta-line" data-testid="growth-rule">
            <span>
              Model <strong>{growth.model_version}</strong>
            </span>
            <span>
              generated <time dateTime={growth.generated_at}>{fmt.dateTime(growth.generated_at)}</time>
            </span>
            <span>
              {formatSpan(growth.periods, table.step)} each side, summed over {store ? 'all stores (not only the store chosen above)' : 'stores'}
            </span>
            <span>
              highest growth first, among the {ranked.length} of {growth.products.length} products that sold at least {fmt.measure(min, target.unit)} last {period}
              {q.min === undefined ? ` (a fifth of the average product's ${fmt.measure(floor, target.unit)})` : ''}
            </span>
          </p>
          {shown.length === 0 ? (
            <p className="muted">No product sold that much: lower the threshold.</p>
          ) : (
            <div className="table-wrap">
              <table data-testid="top-products-table">
                <caption className="visually-hidden">Products ranked by forecast growth</caption>
                <thead>
                  <tr>
                    <th scope="col">Item</th>
                    {hasNames && <th scope="col">Name</th>}
                    <th scope="col">Category</th>
                    <th scope="col" className="num">
                      Growth
                    </th>
                    <th scope="col" className="num">
                      Last {period} ({unit})
                    </th>
                    <th scope="col" className="num">
                      Next {period}, forecast ({unit})
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((p) => (
                    <tr key={p.item}>
                      <th scope="row">{p.item}</th>
                      {hasNames && <td>{p.name ?? '—'}</td>}
                      <td>{p.category ?? '—'}</td>
                      <td className={`num ${changeClass(p.growth) ?? ''}`}>{fmt.signedPercent(p.growth)}</td>
                      <td className="num">{fmt.integer(p.previous)}</td>
                      <td className="num">{fmt.integer(p.forecast)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {canExport && shown.length > 0 && (
            <div className="actions-row">
              <CsvDownload
                header={['item', 'name', 'category', 'previous', 'forecast', 'growth']}
                rows={shown.map((p) => [p.item, p.name, p.category, roundFigure(p.previous), roundFigure(p.forecast), percentCell(p.growth)])}
                filename={`top-products-${q.period}${category ? `-${category}` : ''}.csv`}
              />
            </div>
          )}
        </>
      )}
    </section>
  );
}
