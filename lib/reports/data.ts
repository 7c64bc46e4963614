import { breakdown, periodKpis, rowMask, totalsByDay, type Kpis } from '@/ml/data/analytics';
import { dateRange, type DailyTable } from '@/ml/data/table';
import { formatDay } from '@/ml/data/dates';
import { AppError } from '../errors';
import { loadTable } from '../datasets/store';
import { productionVersion, type ModelVersion } from '../registry/store';
import { getTenantOrThrow } from '../tenants';
import type { Branding } from '../schemas/tenant';

/** Everything a report shows, gathered once so the PDF and the checks on it use the same figures. */
export interface ReportData {
  kind: 'executive' | 'store';
  title: string;
  tenantName: string;
  branding: Branding;
  generatedAt: string;
  scope: string;
  targetName: string;
  hasRevenue: boolean;
  kpis: Kpis;
  history: { date: string; total: number }[];
  topProducts: { item: string; label: string; current: number; share: number; change: number | null }[];
  stores: { store: string; current: number; share: number; change: number | null }[];
  model: Pick<ModelVersion, 'id' | 'algorithm' | 'metrics' | 'baselineMetrics' | 'trainingWindow'> | null;
  alerts: { severity: string; message: string; at: string }[];
}

function itemLabel(t: DailyTable, item: string): string {
  const k = t.keyNames.indexOf('item');
  if (k < 0) return item;
  const code = t.keyVocab[k].indexOf(item);
  for (let s = 0; s < t.seriesStart.length - 1; s++) {
    if (t.seriesKeys[k][s] !== code) continue;
    const row = t.seriesStart[s];
    const detail = ['subclass_name', 'class_name', 'dept_name'].map((c) => t.categorical[c]).find((c) => c && c.codes[row] >= 0);
    return detail ? `${item} (${detail.vocab[detail.codes[row]]})` : item;
  }
  return item;
}

/**
 * The figures of the executive summary (whole tenant) or of one store's report.
 * @throws AppError not_found without data, or for an unknown store.
 */
export async function reportData(tenantId: string, kind: 'executive' | 'store', store?: string): Promise<ReportData> {
  const [tenant, loaded, production] = await Promise.all([getTenantOrThrow(tenantId), loadTable(tenantId), productionVersion(tenantId)]);
  if (!loaded) throw new AppError('not_found', 'No data imported yet: there is nothing to report.');
  const { table } = loaded;
  let mask: Uint8Array | undefined;
  if (kind === 'store') {
    const k = table.keyNames.indexOf('store');
    if (k < 0) throw new AppError('bad_request', 'This dataset has no store key.');
    if (!store || !table.keyVocab[k].includes(store)) throw new AppError('not_found', `Store ${store ?? '(none)'} not found.`, { field: 'store' });
    mask = rowMask(table, 'store', store);
  }
  const revenue = table.numeric.sum_total ? 'sum_total' : undefined;
  const kpis = periodKpis(table, 30, revenue, mask);
  if (!kpis) throw new AppError('not_found', 'The dataset is empty.');
  const { last } = dateRange(table);
  const from = last - (table.step === 7 ? 28 : 30) + table.step;
  const items = table.keyNames.includes('item') ? breakdown(table, 'item', from, last, mask).slice(0, 10) : [];
  const stores = kind === 'executive' && table.keyNames.includes('store') ? breakdown(table, 'store', from, last) : [];
  return {
    kind,
    title: kind === 'executive' ? 'Executive summary' : `Store ${store} report`,
    tenantName: tenant.branding.displayName,
    branding: tenant.branding,
    generatedAt: new Date().toISOString(),
    scope: kind === 'executive' ? 'All stores' : `Store ${store}`,
    targetName: table.targetName,
    hasRevenue: Boolean(revenue),
    kpis,
    history: totalsByDay(table, last - (table.step === 7 ? 52 * 7 : 90), last, mask).map((h) => ({ date: formatDay(h.day), total: h.total })),
    topProducts: items.map((r) => ({ item: r.value, label: itemLabel(table, r.value), current: r.current, share: r.share, change: r.change })),
    stores: stores.map((r) => ({ store: r.value, current: r.current, share: r.share, change: r.change })),
    model: production ? { id: production.id, algorithm: production.algorithm, metrics: production.metrics, baselineMetrics: production.baselineMetrics, trainingWindow: production.trainingWindow } : null,
    alerts: [],
  };
}
