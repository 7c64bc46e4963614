import { breakdown, periodKpis, rowMask, summaryPeriods, totalsByDay, type Kpis } from '@/ml/data/analytics';
import { dateRange } from '@/ml/data/table';
import { nameBook } from '@/ml/data/names';
import { formatDay } from '@/ml/data/dates';
import { AppError } from '../errors';
import { loadTable } from '../datasets/store';
import { listVersions, productionVersion, type ModelVersion } from '../registry/store';
import type { VersionFigures } from '../metric-words';
import { getTenantOrThrow } from '../tenants';
import { listAlerts } from '../alerts';
import { getSelectionForecast, getTopProducts, type SelectionForecast, type TopProduct } from '../forecast/service';
import type { Branding, Regional } from '../schemas/tenant';
import { datasetLabels, type DatasetMeasure } from '../datasets/labels';
import { MATERIAL_SHARE } from '../forecast/service';

/**
 * The Overview's forward look, in days: as many periods as it looks back (docs/serving.md: "the next 30
 * days"; weekly data: the next 4 weeks), so the forecast and the last window are equal spans.
 */
export const overviewHorizonDays = (step: 1 | 7) => summaryPeriods(step) * step;

export interface ForecastSummary {
  modelVersion: string;
  generatedAt: string;
  step: 1 | 7;
  points: SelectionForecast['points'];
  /** Sum of the point forecasts over the horizon. */
  total: number;
  /** Days the points cover (a weekly table forecasts whole weeks). */
  days: number;
  /** Periods the points cover (days, or weeks of weekly data). */
  periods: number;
  /**
   * The total against the last window of actuals (the KPIs' current window); null without a base.
   * Both spans are the same number of periods unless the model forecasts fewer (`perPeriod`: then
   * the means per period are compared).
   */
  changeVsLast: number | null;
  perPeriod: boolean;
}

/**
 * The figures the Overview page and the PDF reports share (docs/serving.md, docs/architecture.md), computed in one place so a
 * report prints exactly what the dashboard shows: KPIs against the prior period and last year, the
 * recent history, the next 30 days' forecast of the production model, its accuracy and open alerts.
 */
export interface DashboardFigures {
  targetName: string;
  /** What the target counts, by its display label (Units sold, Weekly sales) and unit. */
  target: DatasetMeasure;
  /** Revenue beside a target of units, when the data has it. */
  revenue: DatasetMeasure | null;
  hasRevenue: boolean;
  step: number;
  /** Periods of the KPI window and of the forecast: 30 (days) or 4 (weeks). */
  periods: number;
  kpis: Kpis;
  history: { date: string; total: number }[];
  forecast: ForecastSummary | null;
  model: Pick<ModelVersion, 'id' | 'algorithm' | 'metrics' | 'baselineMetrics' | 'trainingWindow' | 'promotedAt'> | null;
  alerts: { open: number; recent: { severity: string; title: string; message: string; at: string }[] };
}

function summarise(f: SelectionForecast, kpis: Kpis, periods: number): ForecastSummary {
  const total = f.points.reduce((s, p) => s + p.forecast, 0);
  const n = f.points.length;
  const last = kpis.current.periods;
  const perPeriod = n !== periods || last !== periods;
  const changeVsLast = last > 0 && kpis.current.target > 0 && n > 0 ? (perPeriod ? total / n / (kpis.current.target / last) - 1 : total / kpis.current.target - 1) : null;
  return { modelVersion: f.model_version, generatedAt: f.generated_at, step: f.step, points: f.points, total, days: n * f.step, periods: n, changeVsLast, perPeriod };
}

/**
 * The shared figures of the whole tenant, or of one store; null when no data is imported.
 * @throws AppError not_found for an unknown store
 */
export async function dashboardFigures(tenantId: string, opts: { store?: string; historyDays?: number } = {}): Promise<DashboardFigures | null> {
  const [loaded, production, openAlerts] = await Promise.all([loadTable(tenantId), productionVersion(tenantId), listAlerts(tenantId, { open: true, limit: Number.MAX_SAFE_INTEGER })]);
  if (!loaded) return null;
  const { table } = loaded;
  const labels = datasetLabels(table, loaded.manifest.mapping);
  let mask: Uint8Array | undefined;
  if (opts.store !== undefined) {
    const k = table.keyNames.indexOf('store');
    if (k < 0) throw new AppError('bad_request', 'This dataset has no store key.');
    if (!table.keyVocab[k].includes(opts.store)) throw new AppError('not_found', `Store ${opts.store} not found.`, { field: 'store' });
    mask = rowMask(table, 'store', opts.store);
  }
  const revenue = labels.revenue?.column ?? undefined;
  const periods = summaryPeriods(table.step);
  const kpis = periodKpis(table, periods, revenue, mask);
  if (!kpis) return null;
  const { last } = dateRange(table);
  const historyDays = opts.historyDays ?? (table.step === 7 ? 52 * 7 : 180);
  const forecast = production ? await getSelectionForecast(tenantId, { store: opts.store, horizon: overviewHorizonDays(table.step) }) : null;
  const scoped = opts.store === undefined ? openAlerts : openAlerts.filter((a) => a.details.store === undefined || String(a.details.store) === opts.store);
  return {
    targetName: table.targetName,
    target: labels.target,
    revenue: labels.revenue,
    hasRevenue: Boolean(revenue),
    step: table.step,
    periods,
    kpis,
    history: totalsByDay(table, last - historyDays + table.step, last, mask).map((h) => ({ date: formatDay(h.day), total: h.total })),
    forecast: forecast ? summarise(forecast, kpis, periods) : null,
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
  /** How the tenant's figures read (lib/format.ts). */
  regional: Regional;
  generatedAt: string;
  scope: string;
  /** Best sellers of the last 30 days (of the store, for a store report); `label` is the item's name and id. */
  topProducts: { item: string; label: string; current: number; share: number; change: number | null }[];
  /**
   * Products whose forecast for the next month grows most against the last month (whole tenant),
   * highest growth first, among those that sold at least `growthFloor` in the last month.
   */
  growthProducts: TopProduct[];
  /** The volume a product sold last month to be ranked by growth (MATERIAL_SHARE of the average product). */
  growthFloor: number | null;
  /** Every registered version's figures, so the report can name a better model than production's. */
  versions: VersionFigures[];
  /** Per store; `label` carries its name (city and format) with the id. */
  stores: { store: string; label: string; current: number; share: number; change: number | null }[];
}

/**
 * The figures of the executive summary (whole tenant) or of one store's report.
 * @throws AppError not_found without data, or for an unknown store.
 */
export async function reportData(tenantId: string, kind: 'executive' | 'store', store?: string): Promise<ReportData> {
  if (kind === 'store' && !store) throw new AppError('not_found', 'Store (none) not found.', { field: 'store' });
  const [tenant, loaded, figures, growth, versions] = await Promise.all([
    getTenantOrThrow(tenantId),
    loadTable(tenantId),
    dashboardFigures(tenantId, { store: kind === 'store' ? store : undefined, historyDays: 90 }),
    kind === 'executive' ? getTopProducts(tenantId, { time_period: 'month', limit: Number.MAX_SAFE_INTEGER }) : Promise.resolve(null),
    listVersions(tenantId),
  ]);
  if (!loaded || !figures) throw new AppError('not_found', 'No data imported yet: there is nothing to report.');
  const { table } = loaded;
  const mask = kind === 'store' && store ? rowMask(table, 'store', store) : undefined;
  const { last } = dateRange(table);
  const from = last - figures.periods * table.step + table.step;
  const items = table.keyNames.includes('item') ? breakdown(table, 'item', from, last, mask).slice(0, 10) : [];
  const stores = kind === 'executive' && table.keyNames.includes('store') ? breakdown(table, 'store', from, last) : [];
  const growthFloor = growth ? materialFloor(growth.products) : null;
  const names = nameBook(table);
  const storeTitle = store ? `Store ${names.label('store', store)}` : '';
  return {
    ...figures,
    regional: tenant.regional,
    growthFloor,
    versions: versions.map((v) => ({ id: v.id, algorithm: v.algorithm, stage: v.stage, metrics: v.metrics, baselineMetrics: v.baselineMetrics })),
    kind,
    title: kind === 'executive' ? 'Executive summary' : `${storeTitle} report`,
    tenantName: tenant.branding.displayName,
    branding: tenant.branding,
    generatedAt: new Date().toISOString(),
    scope: kind === 'executive' ? 'All stores' : storeTitle,
    topProducts: items.map((r) => ({ item: r.value, label: names.label('item', r.value), current: r.current, share: r.share, change: r.change })),
    growthProducts: growth ? rankByGrowth(growth.products, growthFloor ?? 0).slice(0, 10) : [],
    stores: stores.map((r) => ({ store: r.value, label: names.label('store', r.value), current: r.current, share: r.share, change: r.change })),
  };
}

/** The volume of the previous period a product needs for its growth to rank: MATERIAL_SHARE of the average product's. */
export function materialFloor(products: readonly TopProduct[]): number {
  return products.length === 0 ? 0 : (MATERIAL_SHARE * products.reduce((s, p) => s + p.previous, 0)) / products.length;
}

/** Products that sold at least `floor` in the previous period, highest growth first (ties: larger forecast, then id). */
export function rankByGrowth(products: readonly TopProduct[], floor: number): TopProduct[] {
  return products
    .filter((p) => p.growth !== null && p.previous > 0 && p.previous >= floor)
    .sort((a, b) => (b.growth as number) - (a.growth as number) || b.forecast - a.forecast || (a.item < b.item ? -1 : a.item > b.item ? 1 : 0));
}

/** Forecast points as the columns the dashboards' chart takes. */
export function chartSeries(points: SelectionForecast['points']): { dates: string[]; mean: number[]; p80: [number, number][]; p95: [number, number][] } {
  return { dates: points.map((p) => p.date), mean: points.map((p) => p.forecast), p80: points.map((p) => p.p80), p95: points.map((p) => p.p95) };
}
