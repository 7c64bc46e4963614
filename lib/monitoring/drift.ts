import { z } from 'zod';
import { ksTest, populationStabilityIndex, psiBand, PSI_SIGNIFICANT } from '@/ml/monitoring/drift';
import { formatDay } from '@/ml/data/dates';
import { dateRange, type DailyTable } from '@/ml/data/table';
import { listAlerts, raiseAlert } from '../alerts';
import { storage, tenantPath } from '../storage';

/**
 * Data drift when new days arrive (docs/monitoring.md): each numeric input column and the target, on the new
 * days against the reference window just before them, by PSI (0.1 / 0.25 bands) and a two-sample
 * KS test. Columns with too few values on either side are listed as not tested, not guessed.
 */
export const driftReportSchema = z.object({
  at: z.string(),
  reference: z.object({ from: z.string(), to: z.string() }),
  current: z.object({ from: z.string(), to: z.string() }),
  columns: z.array(
    z.object({
      name: z.string(),
      role: z.enum(['feature', 'target']),
      psi: z.number().nullable(),
      band: z.enum(['stable', 'moderate', 'significant']).nullable(),
      ks: z.number().nullable(),
      pValue: z.number().nullable(),
      referenceMean: z.number().nullable(),
      currentMean: z.number().nullable(),
      note: z.string().nullable(),
    }),
  ),
});
export type DriftReport = z.infer<typeof driftReportSchema>;

/** Revenue is the target times price: never treated as an input feature. */
const NOT_FEATURES = new Set(['sum_total']);
// Under the null hypothesis PSI is about (bins - 1)(1/n + 1/m): 500 values keep that under 0.03.
const MIN_VALUES = 500;

function windowValues(t: DailyTable, column: Float64Array, from: number, to: number): Float64Array {
  const out: number[] = [];
  for (let r = 0; r < t.rows; r++) {
    const d = t.day[r];
    if (d >= from && d <= to && Number.isFinite(column[r])) out.push(column[r]);
  }
  return Float64Array.from(out);
}

const mean = (a: Float64Array) => (a.length ? a.reduce((s, x) => s + x, 0) / a.length : null);

export function computeDrift(t: DailyTable, newFromDay: number, referenceDays = 90): DriftReport | null {
  const { last } = dateRange(t);
  if (!(newFromDay <= last)) return null;
  const refTo = newFromDay - t.step;
  const refFrom = refTo - referenceDays + t.step;
  const columns: DriftReport['columns'] = [];
  const entries: [string, Float64Array, 'feature' | 'target'][] = [
    [t.targetName, t.target, 'target'],
    ...Object.entries(t.numeric)
      .filter(([n]) => !NOT_FEATURES.has(n))
      .map(([n, c]): [string, Float64Array, 'feature'] => [n, c, 'feature']),
  ];
  for (const [name, col, role] of entries) {
    const ref = windowValues(t, col, refFrom, refTo);
    const cur = windowValues(t, col, newFromDay, last);
    const base = { name, role, referenceMean: mean(ref), currentMean: mean(cur) };
    if (ref.length < MIN_VALUES || cur.length < MIN_VALUES) {
      columns.push({ ...base, psi: null, band: null, ks: null, pValue: null, note: `not tested: ${Math.min(ref.length, cur.length)} values on one side (needs ${MIN_VALUES})` });
      continue;
    }
    const psi = populationStabilityIndex(ref, cur).psi;
    const ks = ksTest(ref, cur);
    columns.push({ ...base, psi, band: psiBand(psi), ks: ks.statistic, pValue: ks.pValue, note: null });
  }
  columns.sort((a, b) => (b.psi ?? -1) - (a.psi ?? -1));
  return { at: new Date().toISOString(), reference: { from: formatDay(refFrom), to: formatDay(refTo) }, current: { from: formatDay(newFromDay), to: formatDay(last) }, columns };
}

const reportKey = (tenantId: string) => tenantPath(tenantId, 'models', 'monitoring', 'drift.json');

export async function latestDriftReport(tenantId: string): Promise<DriftReport | undefined> {
  return storage().readJson(reportKey(tenantId), driftReportSchema);
}

/** Computes, stores and alerts on the drift of newly arrived days. Returns the columns that drifted significantly. */
export async function monitorNewDays(tenantId: string, t: DailyTable, newFromDay: number): Promise<{ report: DriftReport | null; drifted: string[] }> {
  const report = computeDrift(t, newFromDay);
  if (!report) return { report: null, drifted: [] };
  await storage().writeJson(reportKey(tenantId), report);
  await storage().appendLine(tenantPath(tenantId, 'models', 'monitoring', 'drift-history.jsonl'), {
    at: report.at,
    current: report.current,
    psi: Object.fromEntries(report.columns.map((c) => [c.name, c.psi])),
  });
  const drifted = report.columns.filter((c) => c.psi !== null && c.psi > PSI_SIGNIFICANT);
  // Days re-measured after a correction (a replace import) must not raise the same alert twice.
  const open = drifted.length ? await listAlerts(tenantId, { open: true, kind: 'drift' }) : [];
  for (const c of drifted) {
    if (open.some((a) => a.details.column === c.name && a.details.from === report.current.from && a.details.to === report.current.to)) continue;
    await raiseAlert(tenantId, {
      kind: 'drift',
      severity: c.role === 'target' ? 'critical' : 'warning',
      title: `${c.role === 'target' ? 'Target' : 'Feature'} drift: ${c.name}`,
      message: `PSI ${c.psi?.toFixed(2)} (over ${PSI_SIGNIFICANT}) on ${report.current.from} to ${report.current.to} against ${report.reference.from} to ${report.reference.to}; mean ${c.referenceMean?.toFixed(2)} → ${c.currentMean?.toFixed(2)}.`,
      details: { column: c.name, psi: c.psi, ks: c.ks, pValue: c.pValue, from: report.current.from, to: report.current.to },
    });
  }
  return { report, drifted: drifted.map((c) => c.name) };
}
