import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/guards';
import { loadTable } from '@/lib/datasets/store';
import { productionVersion } from '@/lib/registry/store';
import { forecastQuerySchema } from '@/lib/schemas/forecast';
import { pickerValues, resolveSelection, SelectionError } from '@/ml/data/selection';
import { totalsByDay } from '@/ml/data/analytics';
import { dateRange } from '@/ml/data/table';
import { formatDay } from '@/ml/data/dates';
import { ForecastChart } from './chart';

export const metadata: Metadata = { title: 'Forecasts' };

type Search = Record<string, string | string[] | undefined>;

export default async function ForecastsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const ctx = await requirePage('dashboards.read', '/forecasts');
  const raw = Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const parsed = forecastQuerySchema.safeParse(raw);
  const q = parsed.success ? parsed.data : forecastQuerySchema.parse({});
  const [loaded, production] = await Promise.all([loadTable(ctx.tenantId), productionVersion(ctx.tenantId)]);
  if (!loaded) {
    return (
      <>
        <h1>Forecasts</h1>
        <section className="card empty">
          <p>No data yet. Import it on the Data page, then train a model.</p>
        </section>
      </>
    );
  }
  const { table } = loaded;
  const pickers = pickerValues(table);
  let error: string | null = parsed.success ? null : parsed.error.issues.map((i) => i.message).join('; ');
  let selection = resolveSelection(table, {});
  try {
    selection = resolveSelection(table, { store: q.store, category: q.category, item: q.item });
  } catch (e) {
    if (!(e instanceof SelectionError)) throw e;
    error = e.message;
  }
  const { last } = dateRange(table);
  const historyDays = table.step === 7 ? 52 * 7 : 180;
  const history = totalsByDay(table, last - historyDays + table.step, last, selection.mask);
  const lastYear = totalsByDay(table, last - historyDays + table.step - 364, last + q.horizon * (table.step === 7 ? 7 : 1) - 364, selection.mask).map((h) => ({ day: h.day + 364, total: h.total }));
  return (
    <>
      <h1>Forecasts</h1>
      <form method="get" className="card form-grid" aria-label="Choose what to forecast" data-testid="forecast-filters">
        {pickers.stores.length > 0 && (
          <label>
            Store
            <select name="store" defaultValue={q.store ?? ''}>
              <option value="">All stores</option>
              {pickers.stores.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
        )}
        {pickers.categories.length > 0 && (
          <label>
            Category
            <select name="category" defaultValue={q.category ?? ''}>
              <option value="">All categories</option>
              {pickers.categories.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
        )}
        {pickers.items.length > 0 && (
          <label>
            Item (type to search)
            <input name="item" list="items" defaultValue={q.item ?? ''} placeholder="all items" autoComplete="off" />
            <datalist id="items">
              {pickers.items.map((i) => (
                <option key={i} value={i} />
              ))}
            </datalist>
          </label>
        )}
        <label>
          Horizon ({table.step === 7 ? 'days, in whole weeks' : 'days'})
          <input name="horizon" type="number" min={1} max={90} defaultValue={q.horizon} />
        </label>
        <div>
          <button type="submit">Show</button>
        </div>
      </form>
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
      <section className="card" aria-labelledby="chart-title">
        <h2 id="chart-title">
          {table.targetName}: {selection.label} ({selection.series.length} series)
        </h2>
        {!production && <p className="muted">No model is in production yet: the chart shows history and last year. A manager trains one on the Models page.</p>}
        <ForecastChart
          history={{ dates: history.map((h) => formatDay(h.day)), values: history.map((h) => h.total) }}
          lastYear={{ dates: lastYear.map((h) => formatDay(h.day)), values: lastYear.map((h) => h.total) }}
          forecast={null}
          label={`History and forecast of ${selection.label}`}
        />
      </section>
    </>
  );
}
