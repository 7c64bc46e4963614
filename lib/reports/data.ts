import { breakdown, periodKpis, rowMask, totalsByDay, type Kpis } from '@/ml/data/analytics';
import { dateRange } from '@/ml/data/table';
import { nameBook } from '@/ml/data/names';
import { formatDay } from '@/ml/data/dates';
import { AppError } from '../errors';
import { loadTable } from '../datasets/store';
import { productionVersion, type ModelVersion } from '../registry/store';
import { getTenantOrThrow } from '../tenants';
import { listAlerts } from '../alerts';
import { getSelectionForecast, getTopProducts, type SelectionForecast, type TopProduct } from '../forecast/service';
import type { Branding } from '../schemas/tenant';

/** Days of the Overview's forward look (SPEC 7: "forecast for the next 30 days"). */
export const OVERVIEW_HORIZON = 30;

export interface ForecastSummary {
  modelVersion: string;
  generatedAt: string;
  step: 1 | 7;
  points: SelectionForecast['points'];
  /** Sum of the point forecasts over the horizon. */
  total: number;
  /** Days the points cover (a weekly table forecasts whole weeks). */
  days: number;
  /** The total against the last 30 days of actuals, per day so unequal spans compare fairly; null without a base. */
  changeVsLast: number | null;
}

/**
 * The figures the Overview page and the PDF reports share (SPEC 7, 14), computed in one place so a
 * report prints exactly what the dashboard shows: KPIs against the prior period and last year, the
 * recent history, the next 30 days' forecast of the production model, its accuracy and open alerts.
 */
export interface DashboardFigures {
  targetName: string;
  hasRevenue: boolean;
  step: number;
  kpis: Kpis;
  history: { date: string; total: number }[];
  forecast: ForecastSummary | null;
  model: Pick<ModelVersion, 'id' | 'algorithm' | 'metrics' | 'baselineMetrics' | 'trainingWindow' | 'promotedAt'> | null;
  alerts: { open: number; recent: { severity: string; title: string; message: string; at: string }[] };
}

function summarise(f: SelectionForecast, kpis: Kpis): ForecastSummary {
  const total = f.points.reduce((s, p) => s + p.forecast, 0);
  const days = f.points.length * f.step;
  const lastDays = kpis.current.periods * f.step;
  const changeVsLast = lastDays > 0 && kpis.current.target > 0 && days > 0 ? total / days / (kpis.current.target / lastDays) - 1 : null;
  return { modelVersion: f.model_version, generatedAt: f.generated_at, step: f.step, points: f.points, total, days, changeVsLast };
}

/**
 * The shared figures of the whole tenant, or of one store; null when no data is imported.
 * @throws AppError not_found for an unknown store
 */
export async function dashboardFigures(tenantId: string, opts: { store?: string; historyDays?: number } = {}): Promise<DashboardFigures | null> {
  const [loaded, production, openAlerts] = await Promise.all([loadTable(tenantId), productionVersion(tenantId), listAlerts(tenantId, { open: true, limit: Number.MAX_SAFE_INTEGER })]);
  if (!loaded) return null;
  const { table } = loaded;
  let mask: Uint8Array | undefined;
  if (opts.store !== undefined) {
    const k = table.keyNames.indexOf('store');
    if (k < 0) throw new AppError('bad_request', 'This dataset has no store key.');
    if (!table.keyVocab[k].includes(opts.store)) throw new AppError('not_found', `Store ${opts.store} not found.`, { field: 'store' });
    mask = rowMask(table, 'store', opts.store);
  }
  const revenue = table.numeric.sum_total ? 'sum_total' : undefined;
  const kpis = periodKpis(table, 30, revenue, mask);
  if (!kpis) return null;
  const { last } = dateRange(table);
  const historyDays = opts.historyDays ?? (table.step === 7 ? 52 * 7 : 180);
  const forecast = production ? await getSelectionForecast(tenantId, { store: opts.store, horizon: OVERVIEW_HORIZON }) : null;
  const scoped = opts.store === undefined ? openAlerts : openAlerts.filter((a) => a.details.store === undefined || String(a.details.store) === opts.store);
  return {
    targetName: table.targetName,
    hasRevenue: Boolean(revenue),
    step: table.step,
    kpis,
    history: totalsByDay(table, last - historyDays + table.step, last, mask).map((h) => ({ date: formatDay(h.day), total: h.total })),
    forecast: forecast ? summarise(forecast, kpis) : null,
    model: production ? { id: production.id, algorithm: production.algorithm, metrics: production.metrics, baselineMetrics: production.baselineMetrics, trainingWindow: production.trainingWindow, promotedAt: production.promotedAt } : null,
    alerts: { open: scoped.length, recent: scoped.slice(0, 8).map((a) => ({ severity: a.severity, title: a.title, message: a.message, at: a.at })) },
  };
}

/** Everything a report shows, gathered once so the PDF and the checks on it use the same figures. */
export interface ReportData extends DashboardFigures {
  kind: 'executive' | 'store';
  title: string;
  tenantName: string;
  branding: Branding;
  generatedAt: string;
  scope: string;
  /** Best sellers of the last 30 days (of the store, for a store report); `label` is the item's name and id. */
  topProducts: { item: string; label: string; current: number; share: number; change: number | null }[];
  /** Products whose forecast for the next month grows most against the last month (whole tenant). */
  growthProducts: TopProduct[];
  /** Per store; `label` carries its name (city and format) with the id. */
  stores: { store: string; label: string; current: number; share: number; change: number | null }[];
}

/**
 * The figures of the executive summary (whole tenant) or of one store's report.
 * @throws AppError not_found without data, or for an unknown store.
 */
export async function reportData(tenantId: string, kind: 'executive' | 'store', store?: string): Promise<ReportData> {
  if (kind === 'store' && !store) throw new AppError('not_found', 'Store (none) not found.', { field: 'store' });
  const [tenant, loaded, figures, growth] = await Promise.all([
    getTenantOrThrow(tenantId),
    loadTable(tenantId),
    dashboardFigures(tenantId, { store: kind === 'store' ? store : undefined, historyDays: 90 }),
    kind === 'executive' ? getTopProducts(tenantId, { time_period: 'month', limit: 10 }) : Promise.resolve(null),
  ]);
  if (!loaded || !figures) throw new AppError('not_found', 'No data imported yet: there is nothing to report.');
  const { table } = loaded;
  const mask = kind === 'store' && store ? rowMask(table, 'store', store) : undefined;
  const { last } = dateRange(table);
  const from = last - (table.step === 7 ? 28 : 30) + table.step;
  const items = table.keyNames.includes('item') ? breakdown(table, 'item', from, last, mask).slice(0, 10) : [];
  const stores = kind === 'executive' && table.keyNames.includes('store') ? breakdown(table, 'store', from, last) : [];
  const names = nameBook(table);
  const storeTitle = store ? `Store ${names.label('store', store)}` : '';
  return {
    ...figures,
    kind,
    title: kind === 'executive' ? 'Executive summary' : `${storeTitle} report`,
    tenantName: tenant.branding.displayName,
    branding: tenant.branding,
    generatedAt: new Date().toISOString(),
    scope: kind === 'executive' ? 'All stores' : storeTitle,
    topProducts: items.map((r) => ({ item: r.value, label: names.label('item', r.value), current: r.current, share: r.share, change: r.change })),
    growthProducts: growth?.products ?? [],
    stores: stores.map((r) => ({ store: r.value, label: names.label('store', r.value), current: r.current, share: r.share, change: r.change })),
  };
}

/** Forecast points as the columns the dashboards' chart takes. */
export function chartSeries(points: SelectionForecast['points']): { dates: string[]; mean: number[]; p80: [number, number][]; p95: [number, number][] } {
  return { dates: points.map((p) => p.date), mean: points.map((p) => p.forecast), p80: points.map((p) => p.p80), p95: points.map((p) => p.p95) };
}
