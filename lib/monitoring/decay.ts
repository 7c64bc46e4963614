import { z } from 'zod';
import { seasonalNaiveForecast } from '@/ml/baselines/seasonal-naive';
import { formatDay, parseIsoDay } from '@/ml/data/dates';
import { dateRange, rowOf, seriesCount, type DailyTable } from '@/ml/data/table';
import { summariseDecay, type ErrorWindow } from '@/ml/monitoring/decay';
import { listAlerts, raiseAlert } from '../alerts';
import { productionVersion, readArtifact, type ModelVersion } from '../registry/store';
import { getRetrainingSettings, type RetrainingSettings } from '../retraining-settings';
import { storage, tenantPath } from '../storage';
import { loadForecaster, trainingArtifactSchema } from '@/ml/training/artifact';

/**
 * Live error of the production model (docs/monitoring.md "decay") when newer actuals arrive: the production
 * artifact forecasts the days after its training window recursively from the last day it was
 * trained on (lags refreshed from its own predictions, as in training's hold-out), seasonal naive
 * forecasts the same days from the same origin, and both are compared with the actuals per day and
 * over rolling windows of `decayWindowDays`. Decay = the newest full window's WAPE worse than the
 * version's hold-out WAPE by more than `decayTolerance` (relative). No 'server-only': this runs in
 * the ingest job worker.
 */

const windowSchema = z.object({
  from: z.string(),
  to: z.string(),
  days: z.number(),
  full: z.boolean(),
  wape: z.number().nullable(),
  naiveWape: z.number().nullable(),
  ratio: z.number().nullable(),
  decayed: z.boolean(),
});
export type LiveErrorWindow = z.infer<typeof windowSchema>;

export const liveErrorRecordSchema = z.object({
  at: z.string(),
  versionId: z.string(),
  algorithm: z.string(),
  /** Last day the version was trained on: the forecast origin. */
  origin: z.string(),
  /** The version's hold-out WAPE, the reference of the decay rule. */
  referenceWape: z.number().nullable(),
  /** Its seasonal naive WAPE on that hold-out. */
  referenceNaiveWape: z.number().nullable(),
  tolerance: z.number(),
  windowDays: z.number(),
  threshold: z.number().nullable(),
  scored: z.object({ from: z.string(), to: z.string(), periods: z.number(), series: z.number(), pairs: z.number() }),
  status: z.enum(['decayed', 'healthy', 'collecting', 'no-reference', 'no-data']),
  current: windowSchema.nullable(),
  windows: z.array(windowSchema),
  daily: z.array(
    z.object({
      date: z.string(),
      actual: z.number(),
      predicted: z.number(),
      wape: z.number().nullable(),
      naiveWape: z.number().nullable(),
      rollingWape: z.number().nullable(),
      rollingNaiveWape: z.number().nullable(),
    }),
  ),
  note: z.string().nullable(),
});
export type LiveErrorRecord = z.infer<typeof liveErrorRecordSchema>;

const recordKey = (tenantId: string) => tenantPath(tenantId, 'models', 'monitoring', 'live-error.json');
const historyKey = (tenantId: string) => tenantPath(tenantId, 'models', 'monitoring', 'live-error-history.jsonl');

export const liveErrorHistorySchema = z.object({
  at: z.string(),
  versionId: z.string(),
  status: liveErrorRecordSchema.shape.status,
  scored: liveErrorRecordSchema.shape.scored,
  current: windowSchema.nullable(),
  referenceWape: z.number().nullable(),
  threshold: z.number().nullable(),
});
export type LiveErrorHistoryEntry = z.infer<typeof liveErrorHistorySchema>;

/** The newest live-error record, if any import has been scored. */
export async function latestLiveError(tenantId: string): Promise<LiveErrorRecord | undefined> {
  return storage().readJson(recordKey(tenantId), liveErrorRecordSchema);
}

/** Every scoring so far, oldest first (one line per import that added days). */
export async function liveErrorHistory(tenantId: string): Promise<LiveErrorHistoryEntry[]> {
  return storage().readLines(historyKey(tenantId), liveErrorHistorySchema);
}

const finiteOrNull = (x: number | null | undefined): number | null => (x !== null && x !== undefined && Number.isFinite(x) ? x : null);

function windowJson(w: ErrorWindow): LiveErrorWindow {
  return { ...w, from: formatDay(w.from), to: formatDay(w.to) };
}

/**
 * The live-error record of a version on every day of `table` after its training window (forecast
 * in blocks of its validated horizon, each from the end of the one before), or null when the table
 * has no such day.
 * @throws ZodError when the artifact is not a training artifact.
 */
export function computeLiveError(
  artifactJson: unknown,
  table: DailyTable,
  version: Pick<ModelVersion, 'id' | 'algorithm' | 'metrics' | 'baselineMetrics'>,
  settings: Pick<RetrainingSettings, 'decayTolerance' | 'decayWindowDays'>,
): LiveErrorRecord | null {
  const artifact = trainingArtifactSchema.parse(artifactJson);
  const origin = parseIsoDay(artifact.trainingWindow.to);
  const last = dateRange(table).last;
  const available = Math.floor((last - origin) / table.step);
  if (!(available >= 1)) return null;
  const block = Math.min(artifact.maxHorizon, Math.floor(VALIDATED_HORIZON_DAYS[table.frequency] / table.step));
  const n = seriesCount(table);
  const all = Array.from({ length: n }, (_, s) => s);
  const season = table.step === 1 ? 7 : 52;
  const day: number[] = [];
  const actual: number[] = [];
  const predicted: number[] = [];
  const naive: number[] = [];
  const scoredSeries = new Set<number>();
  // Blocks of the validated horizon: the first from the last trained day, each later one from the
  // day before it (with the actuals up to there, as serving had them), so every scored day is 1 to
  // `block` periods ahead, like the hold-out its WAPE is compared with.
  for (let o = origin; o < last; o += block * table.step) {
    const horizon = Math.min(block, Math.floor((last - o) / table.step));
    // The same recursive forecast as scoreArtifact (ml/training/scorecard.ts): origin before the
    // table's end, so the table's own price and promotion rows of the new days are the inputs.
    const fcs = loadForecaster(artifact, { table, origin: o }).seriesForecasts(all, horizon);
    for (let s = 0; s < n; s++) {
      const lo = table.seriesStart[s];
      const hi = table.seriesStart[s + 1];
      // Seasonal naive from the same origin (same weekday last week / last year's week).
      const end = hi > lo && table.day[lo] <= o ? Math.min(hi, lo + Math.floor((o - table.day[lo]) / table.step) + 1) : lo;
      const sn = end > lo ? seasonalNaiveForecast(table.target.subarray(lo, end), season, horizon) : new Float64Array(horizon).fill(Number.NaN);
      for (let k = 1; k <= horizon; k++) {
        const d = o + k * table.step;
        const r = rowOf(table, s, d);
        if (r < 0 || !Number.isFinite(table.target[r])) continue;
        day.push(d);
        actual.push(table.target[r]);
        predicted.push(fcs[s][k - 1]);
        naive.push(sn[k - 1]);
        scoredSeries.add(s);
      }
    }
  }
  const horizon = available;
  const referenceWape = finiteOrNull(version.metrics.wape);
  const summary = summariseDecay({ day, actual, predicted, naive }, { windowDays: settings.decayWindowDays, step: table.step, referenceWape, tolerance: settings.decayTolerance });
  const notes: string[] = [];
  if (summary.status === 'collecting') notes.push(`Fewer than ${settings.decayWindowDays} days since ${artifact.trainingWindow.to}: decay is judged once a full window has arrived.`);
  if (summary.status === 'no-reference') notes.push(`${version.id} has no hold-out WAPE to compare with.`);
  return {
    at: new Date().toISOString(),
    versionId: version.id,
    algorithm: version.algorithm,
    origin: artifact.trainingWindow.to,
    referenceWape,
    referenceNaiveWape: finiteOrNull(version.baselineMetrics.wape),
    tolerance: settings.decayTolerance,
    windowDays: settings.decayWindowDays,
    threshold: summary.threshold,
    scored: { from: formatDay(origin + table.step), to: formatDay(origin + horizon * table.step), periods: horizon, series: scoredSeries.size, pairs: day.length },
    status: summary.status,
    current: summary.current ? windowJson(summary.current) : null,
    windows: summary.windows.map(windowJson),
    daily: summary.daily.map((e) => ({
      date: formatDay(e.day),
      actual: e.actual,
      predicted: e.predicted,
      wape: e.wape,
      naiveWape: e.naiveWape,
      rollingWape: e.rollingWape,
      rollingNaiveWape: e.rollingNaiveWape,
    })),
    note: notes.length ? notes.join(' ') : null,
  };
}

/**
 * The horizon a version's hold-out WAPE speaks for: training holds out the last 30 days (8 weeks
 * weekly) by default (ml/training/train.ts), and recursive error grows past it (measured: 0.65 at
 * 1 to 30 days, 0.78 at 60 to 75 days on unchanged demo data), so comparing longer horizons with
 * the hold-out figure would call a healthy model decayed.
 */
export const VALIDATED_HORIZON_DAYS = { daily: 30, weekly: 56 } as const;

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

/**
 * Scores the production version on the newly arrived days of `table`, stores the record
 * (`models/monitoring/live-error.json`, a line in `live-error-history.jsonl`) and raises a 'decay'
 * alert when the newest window decayed (once per version while an earlier one is still open).
 * Returns null when there is no production version or no day after its training window.
 */
export async function monitorLiveError(tenantId: string, table: DailyTable): Promise<LiveErrorRecord | null> {
  const version = await productionVersion(tenantId);
  if (!version) return null;
  const settings = await getRetrainingSettings(tenantId);
  const record = computeLiveError(await readArtifact(tenantId, version.id), table, version, settings);
  if (!record) return null;
  await storage().writeJson(recordKey(tenantId), record);
  await storage().appendLine(historyKey(tenantId), {
    at: record.at,
    versionId: record.versionId,
    status: record.status,
    scored: record.scored,
    current: record.current,
    referenceWape: record.referenceWape,
    threshold: record.threshold,
  } satisfies LiveErrorHistoryEntry);
  if (record.status === 'decayed' && record.current) {
    const open = await listAlerts(tenantId, { open: true, kind: 'decay' });
    if (!open.some((a) => a.details.versionId === record.versionId)) {
      const w = record.current;
      const worseThanNaive = w.wape !== null && w.naiveWape !== null && w.wape > w.naiveWape;
      await raiseAlert(tenantId, {
        kind: 'decay',
        severity: worseThanNaive ? 'critical' : 'warning',
        title: `Model decay: ${record.versionId} WAPE ${pct(w.wape)} over ${w.from} to ${w.to}`,
        message:
          `Production ${record.versionId} (${record.algorithm}) has a WAPE of ${pct(w.wape)} over the last ${record.windowDays} days, ` +
          `more than ${pct(record.tolerance)} worse than its hold-out ${pct(record.referenceWape)} (threshold ${pct(record.threshold)}); ` +
          `seasonal naive on the same days: ${pct(w.naiveWape)}.${worseThanNaive ? ' The model is now worse than the baseline.' : ''}`,
        details: { versionId: record.versionId, wape: w.wape, naiveWape: w.naiveWape, referenceWape: record.referenceWape, threshold: record.threshold, from: w.from, to: w.to },
      });
    }
  }
  return record;
}
