import type { ReportData } from '@/lib/reports/data';

/** A small executive report's figures, with the tenant, store and item names a test chooses. */
export function reportData(names: { tenant?: string; store?: string; item?: string; target?: string } = {}): ReportData {
  const tenant = names.tenant ?? 'Acme Stores';
  const store = names.store ?? 'North';
  const item = names.item ?? 'SKU-1';
  const window = (from: string, to: string, target: number) => ({ from, to, target, value: target * 3, periods: 30 });
  return {
    targetName: names.target ?? 'units',
    target: { id: 'units', column: null, label: names.target ?? 'Units sold', unit: 'units' },
    revenue: { id: 'revenue', column: 'sum_total', label: 'Revenue', unit: 'currency' },
    hasRevenue: true,
    step: 1,
    periods: 30,
    kpis: { current: window('2024-02-01', '2024-03-01', 3000), previous: window('2024-01-02', '2024-01-31', 2900), lastYear: window('2023-02-02', '2023-03-02', 2500) },
    history: Array.from({ length: 60 }, (_, i) => ({ date: new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10), total: 100 + (i % 7) * 10 })),
    forecast: null,
    model: null,
    alerts: { open: 1, recent: [{ severity: 'warning', title: `Sales drop at ${store}`, message: `${item} sold less than expected`, at: '2024-03-01T00:00:00.000Z' }] },
    kind: 'executive',
    title: 'Executive summary',
    tenantName: tenant,
    branding: { displayName: tenant, primaryColor: '#1f6feb', accentColor: '#e36209', logoType: null, logoVersion: 0 },
    regional: { currency: 'USD', locale: 'en-US', timeZone: 'UTC' },
    generatedAt: '2024-03-02T10:00:00.000Z',
    scope: 'All stores',
    topProducts: [{ item, label: item, current: 1200, share: 0.4, change: 0.1 }],
    growthProducts: [{ item, name: null, category: item, forecast: 10, previous: 8, growth: 0.25, material: true }],
    growthFloor: 2,
    versions: [],
    stores: [{ store, label: store, current: 3000, share: 1, change: null }],
  };
}
