/**
 * Scorecards for the champion / challenger rule (ml/monitoring/promotion.ts): hold-out WAPE
 * overall and per store and category, with each segment's share of the hold-out's sales. The
 * challenger's comes with its TrainingRun; `scoreArtifact` scores a stored artifact (the champion)
 * on the same hold-out days, forecasting them recursively from the day before, as training did.
 */
import { parseIsoDay } from '../data/dates';
import { rowOf, seriesCount, type DailyTable } from '../data/table';
import { wape } from '../metrics';
import type { Scorecard, SegmentScore } from '../monitoring/promotion';
import type { TreeKernels } from '../trees/kernels';
import { loadForecaster, trainingArtifactSchema } from './artifact';

/** Segment label of every series per dimension the table has (its keys, and category = dept_name). */
export function segmentLabels(table: DailyTable): Record<string, string[]> {
  const n = seriesCount(table);
  const out: Record<string, string[]> = {};
  table.keyNames.forEach((key, ki) => {
    out[key] = Array.from({ length: n }, (_, s) => table.keyVocab[ki][table.seriesKeys[ki][s]]);
  });
  const cat = ['dept_name', 'category'].find((c) => c in table.categorical);
  if (cat) {
    const col = table.categorical[cat];
    out.category = Array.from({ length: n }, (_, s) => {
      const last = table.seriesStart[s + 1] - 1;
      const code = last >= table.seriesStart[s] ? col.codes[last] : -1;
      return code >= 0 ? col.vocab[code] : '(none)';
    });
  }
  return out;
}

/** Scorecard of (actual, predicted) pairs of series `series[i]`: overall WAPE, store and category segments. */
export function scorecardOf(table: DailyTable, actual: Float64Array, predicted: Float64Array, series: Int32Array): Scorecard {
  const labels = segmentLabels(table);
  let total = 0;
  for (const a of actual) total += Math.abs(a);
  const segments: SegmentScore[] = [];
  for (const level of ['store', 'category']) {
    const lab = labels[level];
    if (!lab) continue;
    const groups = new Map<string, number[]>();
    series.forEach((s, i) => {
      const g = groups.get(lab[s]);
      if (g) g.push(i);
      else groups.set(lab[s], [i]);
    });
    for (const [segment, rows] of [...groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const a = rows.map((i) => actual[i]);
      const w = wape(a, rows.map((i) => predicted[i]));
      const share = total > 0 ? a.reduce((sum, v) => sum + Math.abs(v), 0) / total : 0;
      segments.push({ level, segment, wape: Number.isFinite(w) ? w : null, share });
    }
  }
  return { wape: wape(actual, predicted), segments };
}

/**
 * The scorecard of a stored artifact on the hold-out days `from..to` of `table`, forecast
 * recursively from the day before `from`; null when the artifact's training window reaches into
 * the hold-out (no fair comparison) or the hold-out is longer than its horizon. Its tree models
 * predict with `kernels` (default this thread).
 * @throws ZodError when the artifact is not a training artifact.
 */
export function scoreArtifact(artifactJson: unknown, table: DailyTable, holdout: { from: string; to: string }, kernels?: TreeKernels): Scorecard | null {
  const artifact = trainingArtifactSchema.parse(artifactJson);
  const from = parseIsoDay(holdout.from);
  const to = parseIsoDay(holdout.to);
  if (!Number.isFinite(from) || !Number.isFinite(to) || to < from) throw new RangeError(`bad hold-out ${holdout.from}..${holdout.to}`);
  if (parseIsoDay(artifact.trainingWindow.to) >= from) return null;
  const origin = from - table.step;
  const H = Math.floor((to - origin) / table.step);
  if (H < 1 || H > artifact.maxHorizon) return null;
  const f = loadForecaster(artifact, { table, origin }, kernels);
  const all = Array.from({ length: seriesCount(table) }, (_, s) => s);
  const fcs = f.seriesForecasts(all, H);
  const a: number[] = [];
  const p: number[] = [];
  const s: number[] = [];
  all.forEach((series, i) => {
    for (let k = 1; k <= H; k++) {
      const r = rowOf(table, series, origin + k * table.step);
      if (r < 0 || !Number.isFinite(table.target[r])) continue;
      a.push(table.target[r]);
      p.push(fcs[i][k - 1]);
      s.push(series);
    }
  });
  if (a.length === 0) return null;
  return scorecardOf(table, Float64Array.from(a), Float64Array.from(p), Int32Array.from(s));
}
