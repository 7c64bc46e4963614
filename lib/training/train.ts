/**
 * Training a tenant's forecasting models (SPEC 4, 5), in job workers and the CLI.
 *
 * Protocol (docs/training.md):
 *   last = the table's last day; H = hold-out periods; O = last - H (hold-out origin);
 *   V = O - H (validation origin).
 *   1. The feature pipeline is fitted on days <= O only (encodings never see the hold-out).
 *   2. Each model is fitted on days <= V with boosting's early stopping on (V, O], then forecasts
 *      (V, O] recursively from V: those validation forecasts fit the ensemble weights and
 *      calibrate the conformal intervals per level.
 *   3. Each model is refitted on days <= O (boosting with the rounds early stopping kept) and
 *      forecasts the hold-out (O, last] RECURSIVELY from O: no true lag of a hold-out day is ever
 *      read. Every SPEC metric overall and per segment, beside seasonal naive and moving average
 *      (also forecast from O), and the forecast value added over seasonal naive.
 *   4. Best by hold-out WAPE (ties: the simpler model); interval coverage measured on the hold-out.
 *   5. The best model is refitted on every day up to `last` (pipeline refitted too) for serving;
 *      its intervals are recalibrated on the validation and hold-out residuals together.
 */
import { dateRange, rowOf, seriesCount, type DailyTable, type PlannedEvent } from '@/ml/data/table';
import { formatDay } from '@/ml/data/dates';
import { FeaturePipeline, type FeatureSet } from '@/ml/features/pipeline';
import type { HolidaySpec } from '@/ml/features/holidays';
import { recursiveForecast, type Predictor, type SeriesForecast } from '@/ml/forecasting';
import { selectRows, type FeatureMatrix } from '@/ml/matrix';
import { forecastValueAdded, metricsBySegment, regressionMetrics, type RegressionMetrics } from '@/ml/metrics';
import { WeightedEnsemble } from '@/ml/ensemble';
import { seasonalNaiveForecast } from '@/ml/baselines/seasonal-naive';
import { movingAverageForecast } from '@/ml/baselines/moving-average';
import { crossValidate, rollingOriginFolds } from '@/ml/evaluation';
import { randomSearch, type TrialResult } from '@/ml/tuning';
import { calibrationSamples, intervalCoverage, levelBacktest, type LevelBacktest } from '@/ml/forecasting/backtest';
import { ScaledConformal, scaleWindowOf } from '@/ml/forecasting/intervals';
import { FORECAST_LEVELS, levelAvailable, type ForecastLevel } from '@/ml/forecasting/levels';
import { ARTIFACT_KIND, ARTIFACT_SCHEMA_VERSION, type TrainingArtifact } from './artifact';
import { scorecardOf, segmentLabels } from './scorecard';
import type { Scorecard } from '@/ml/monitoring/promotion';
import type { TreeKernels } from '@/ml/trees/kernels';
import {
  BASE_ALGORITHMS,
  defaultParams,
  fitModel,
  GBM_TUNING_SPACE,
  makeModel,
  SIMPLICITY_ORDER,
  trainingTarget,
  type Algorithm,
  type BaseAlgorithm,
  type ModelParams,
} from './models';

export interface TrainOptions {
  /** Algorithms to fit (default all); 'ensemble' fits its members (gbm, rf, ridge) too. */
  algorithms?: Algorithm[];
  /** Hold-out length in days (default 30 daily, 56 = 8 weeks weekly); weekly rounds down to weeks. */
  holdoutDays?: number;
  /** Random search over boosting's hyper-parameters with rolling-origin CV before the fits. */
  tune?: boolean;
  /** Backtest windows the intervals are calibrated on (default 2: the validation window and the one before). */
  calibrationWindows?: number;
  /** Trials of the search (default 8). */
  tuneTrials?: number;
  seed?: number;
  /** Called after every tuning trial (the caller records it as an experiment). */
  onTrial?: (trial: TrainingTrial) => void;
  /** Kernels every tree model fits and predicts with (default this thread; never part of the results). */
  kernels?: TreeKernels;
}

export type ProgressFn = (done: number, total: number, message: string) => void;

/** Every SPEC 5 metric plus the value added over seasonal naive and the fit time. */
export interface ModelMetrics extends RegressionMetrics {
  /** 1 - WAPE / WAPE(seasonal naive). */
  fva: number;
  /** Seconds to fit on the training window (0 for baselines). */
  fitSeconds: number;
}

export interface SegmentMetrics {
  best: RegressionMetrics;
  seasonalNaive: RegressionMetrics;
  fva: number;
}

export interface TrainingTrial extends TrialResult {
  algorithm: BaseAlgorithm;
}

export interface TrainingRun {
  best: string;
  models: Record<string, ModelMetrics>;
  baselines: Record<string, ModelMetrics>;
  /** Per dimension (store, category, item), per value: the best model beside seasonal naive. */
  segments: Record<string, Record<string, SegmentMetrics>>;
  /** The best model's hold-out WAPE overall and per store / category with sales shares (promotion rule). */
  scorecard: Scorecard;
  /** Hold-out coverage of the best model's series-level intervals. */
  coverage: { p80: number; p95: number };
  /** Coverage at every level the dataset has (series, store, category, total). */
  coverageByLevel: Partial<Record<ForecastLevel, { p80: number; p95: number; n: number }>>;
  /** Ensemble weights by member, when the ensemble was fitted. */
  ensembleWeights: Record<string, number> | null;
  trials: TrainingTrial[];
  durationMs: number;
  datasetFingerprint: string;
  trainingWindow: { from: string; to: string };
  holdout: { from: string; to: string; periods: number };
  featureNames: string[];
  params: Record<string, ModelParams>;
  artifact: TrainingArtifact;
}

interface Window {
  train: Int32Array;
  valid: Int32Array;
  all: Int32Array;
}

function rowsWhere(fs: FeatureSet, keep: (day: number) => boolean): Int32Array {
  const out: number[] = [];
  for (let r = 0; r < fs.y.length; r++) if (Number.isFinite(fs.y[r]) && keep(fs.rowDate[r])) out.push(r);
  return Int32Array.from(out);
}

function pick(fs: FeatureSet, rows: Int32Array): { X: FeatureMatrix; y: Float64Array } {
  return { X: selectRows(fs.X, rows), y: Float64Array.from(rows, (r) => fs.y[r]) };
}

/** Actual and forecast pairs of a backtest (finite actuals only; a non-finite forecast counts as 0). */
function pairs(table: DailyTable, origin: number, fc: SeriesForecast): { actual: Float64Array; predicted: Float64Array; series: Int32Array } {
  const a: number[] = [];
  const p: number[] = [];
  const s: number[] = [];
  fc.series.forEach((series, i) => {
    for (let k = 1; k <= fc.horizon; k++) {
      const r = rowOf(table, series, origin + k * table.step);
      if (r < 0 || !Number.isFinite(table.target[r])) continue;
      const v = fc.values[i * fc.horizon + k - 1];
      a.push(table.target[r]);
      p.push(Number.isFinite(v) ? v : 0);
      s.push(series);
    }
  });
  return { actual: Float64Array.from(a), predicted: Float64Array.from(p), series: Int32Array.from(s) };
}

/** Seasonal naive (last week / last year's week) and moving average forecasts from an origin. */
function baselineForecasts(table: DailyTable, origin: number, horizon: number): Record<string, SeriesForecast> {
  const n = seriesCount(table);
  const season = table.step === 1 ? 7 : 52;
  const window = table.step === 1 ? 28 : 4;
  const series = Array.from({ length: n }, (_, s) => s);
  const sn = new Float64Array(n * horizon);
  const ma = new Float64Array(n * horizon);
  for (let s = 0; s < n; s++) {
    const lo = table.seriesStart[s];
    const hi = table.seriesStart[s + 1];
    const end = hi > lo && table.day[lo] <= origin ? Math.min(hi, lo + Math.floor((origin - table.day[lo]) / table.step) + 1) : lo;
    const history = table.target.subarray(lo, end);
    if (history.length === 0) continue;
    sn.set(seasonalNaiveForecast(history, season, horizon), s * horizon);
    ma.set(movingAverageForecast(history, window, horizon), s * horizon);
  }
  const days = Int32Array.from({ length: horizon }, (_, k) => origin + (k + 1) * table.step);
  return {
    seasonal_naive: { series, horizon, values: sn, days },
    moving_average: { series, horizon, values: ma, days },
  };
}

function metricsOf(table: DailyTable, origin: number, fc: SeriesForecast): RegressionMetrics {
  const { actual, predicted } = pairs(table, origin, fc);
  return regressionMetrics(actual, predicted);
}

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('training cancelled');
}

/** Lets the event loop breathe between long synchronous steps (progress writes, cancellation). */
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface TrainOnTableInput {
  table: DailyTable;
  planned?: readonly PlannedEvent[];
  holidays: HolidaySpec;
  datasetFingerprint: string;
}

/**
 * Trains, evaluates and refits on a table (the pure part of trainTenant, usable in tests).
 * @throws RangeError on bad options or a table too short for the hold-out and validation windows.
 */
export async function trainOnTable(input: TrainOnTableInput, options: TrainOptions = {}, progress: ProgressFn = () => {}, signal?: AbortSignal): Promise<TrainingRun> {
  const started = performance.now();
  const { table, holidays } = input;
  const kernels = options.kernels;
  const step = table.step;
  const seed = options.seed ?? 42;
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const holdoutDays = options.holdoutDays ?? (step === 1 ? 30 : 56);
  if (!Number.isInteger(holdoutDays) || holdoutDays < step) throw new RangeError(`holdoutDays must be an integer >= ${step}, got ${holdoutDays}`);
  const H = Math.floor(holdoutDays / step);
  const maxHorizon = step === 1 ? 90 : 13;
  if (H > maxHorizon) throw new RangeError(`the hold-out may be at most ${maxHorizon} periods, got ${H}`);
  const requested = options.algorithms && options.algorithms.length > 0 ? [...new Set(options.algorithms)] : (['gbm', 'rf', 'ridge', 'ensemble'] as Algorithm[]);
  const withEnsemble = requested.includes('ensemble');
  const base: BaseAlgorithm[] = withEnsemble ? [...BASE_ALGORITHMS] : BASE_ALGORITHMS.filter((a) => requested.includes(a));
  const tuneTrials = options.tuneTrials ?? 8;
  const calibrationWindows = options.calibrationWindows ?? 2;
  if (!Number.isInteger(calibrationWindows) || calibrationWindows < 1 || calibrationWindows > 6) throw new RangeError(`calibrationWindows must be an integer in [1, 6], got ${calibrationWindows}`);

  const { first, last } = dateRange(table);
  if (!Number.isFinite(last)) throw new RangeError('the dataset is empty');
  const O = last - H * step;
  const V = O - H * step;
  if (V - first < 8 * step * 4) throw new RangeError(`the dataset is too short for a ${H}-period hold-out and validation window`);

  const total = 1 + base.length * 4 + (withEnsemble ? 2 : 0) + 3 + (options.tune ? tuneTrials : 0) + (calibrationWindows - 1);
  let done = 0;
  const advance = async (message: string): Promise<void> => {
    done++;
    progress(Math.min(done, total), total, message);
    await tick();
    checkAbort(signal);
  };
  progress(0, total, 'features');

  // 1. Features: pipeline fitted on the training window only.
  const pipeline = new FeaturePipeline({ holidays }).fit(table, { trainEnd: O });
  const fs = pipeline.transform(table);
  const win: Window = {
    train: rowsWhere(fs, (d) => d <= V),
    valid: rowsWhere(fs, (d) => d > V && d <= O),
    all: rowsWhere(fs, (d) => d <= O),
  };
  const trainY = pick(fs, win.all).y;
  // Quantities sold (units, kilograms or money; at most 1% of rows below zero, i.e. returns) suit
  // Poisson loss: its log link makes effects multiplicative, as holidays and promotions are on
  // demand. Measured on the demo and Walmart: lower WAPE and better aggregate interval coverage.
  let negatives = 0;
  for (const v of trainY) if (v < 0) negatives++;
  const counts = negatives <= 0.01 * trainY.length;
  let minY = Infinity;
  for (const v of trainY) if (v < minY) minY = v;
  // Quantities (even with a few returns) are never forecast negative; other targets as the model says.
  const clampAtZero = counts || minY >= 0;
  const traits = { rows: win.all.length, counts, seed };
  const params: Record<string, ModelParams> = {};
  for (const a of base) params[a] = defaultParams(a, traits);
  await advance('features');

  // Tuning: random search over boosting with rolling-origin CV on the training window.
  const trials: TrainingTrial[] = [];
  if (options.tune && base.includes('gbm')) {
    const all = pick(fs, win.all);
    const allDates = Int32Array.from(win.all, (r) => fs.rowDate[r]);
    const folds = rollingOriginFolds(allDates, { folds: 3, horizonDays: H * step, minTrainDays: 8 * step });
    const gbmBase = params.gbm;
    const search = await randomSearch(
      GBM_TUNING_SPACE,
      tuneTrials,
      seed,
      async (trial) => {
        // Each trial is long and synchronous: yield first so a cancellation (SIGTERM, progress write) is seen between trials.
        await tick();
        checkAbort(signal);
        const p: ModelParams = { ...gbmBase, ...trial, nEstimators: 200, earlyStoppingRounds: 10 };
        const cv = crossValidate(() => makeModel('gbm', p, kernels), all.X, trainingTarget(p, all.y), folds);
        return { wape: cv.wape, metrics: Object.fromEntries(cv.folds.map((f, i) => [`fold${i + 1}_wape`, f.wape])), complexity: Number(p.maxDepth) };
      },
      {
        signal,
        onTrial: (t) => {
          const trial: TrainingTrial = { ...t, algorithm: 'gbm' };
          trials.push(trial);
          options.onTrial?.(trial);
          done++;
          progress(Math.min(done, total), total, `tuning trial ${t.index + 1}/${tuneTrials}: WAPE ${t.wape.toFixed(4)}`);
        },
      },
    );
    checkAbort(signal);
    if (search.best) params.gbm = { ...gbmBase, ...search.best.params };
  }

  // 2 and 3. Validation fits and forecasts, then hold-out fits and recursive hold-out forecasts.
  const allSeries = Array.from({ length: seriesCount(table) }, (_, s) => s);
  const validFc: Record<string, SeriesForecast> = {};
  const holdFc: Record<string, SeriesForecast> = {};
  const holdModels: Record<string, Predictor> = {};
  const fitSeconds: Record<string, number> = {};
  const trainSet = pick(fs, win.train);
  const validSet = pick(fs, win.valid);
  const allSet = pick(fs, win.all);
  for (const a of base) {
    const v = fitModel(a, params[a], trainSet.X, trainSet.y, { validation: validSet, kernels });
    params[a] = v.params;
    await advance(`${a}: validation fit`);
    validFc[a] = recursiveForecast(v.model, pipeline, table, V, { horizon: H, series: allSeries, clampAtZero });
    await advance(`${a}: validation forecast`);
    const h = fitModel(a, params[a], allSet.X, allSet.y, { kernels });
    holdModels[a] = h.model;
    fitSeconds[a] = h.fitSeconds;
    await advance(`${a}: hold-out fit`);
    holdFc[a] = recursiveForecast(h.model, pipeline, table, O, { horizon: H, series: allSeries, clampAtZero });
    await advance(`${a}: hold-out forecast`);
  }
  let ensemble: WeightedEnsemble | null = null;
  if (withEnsemble) {
    const members = [...BASE_ALGORITHMS];
    const vp = members.map((m) => pairs(table, V, validFc[m]));
    ensemble = new WeightedEnsemble({ seed }).fit(
      vp.map((p) => p.predicted),
      vp[0].actual,
      members,
    );
    const ens = ensemble;
    const combined = ens.combine(members.map((m) => validFc[m].values));
    validFc.ensemble = { ...validFc.gbm, values: combined };
    fitSeconds.ensemble = members.reduce((s, m) => s + fitSeconds[m], 0);
    await advance('ensemble weights');
    holdModels.ensemble = { predict: (X: FeatureMatrix) => ens.combine(members.map((m) => holdModels[m].predict(X))) };
    holdFc.ensemble = recursiveForecast(holdModels.ensemble, pipeline, table, O, { horizon: H, series: allSeries, clampAtZero });
    await advance('ensemble hold-out forecast');
  }

  // Evaluation on the hold-out.
  const baselineFc = baselineForecasts(table, O, H);
  const baseMetrics: Record<string, RegressionMetrics> = {};
  for (const [name, fc] of Object.entries(baselineFc)) baseMetrics[name] = metricsOf(table, O, fc);
  const snWape = baseMetrics.seasonal_naive.wape;
  const baselines: Record<string, ModelMetrics> = {};
  for (const [name, m] of Object.entries(baseMetrics)) baselines[name] = { ...m, fva: forecastValueAdded(m.wape, snWape), fitSeconds: 0 };
  const models: Record<string, ModelMetrics> = {};
  const reported = requested.filter((a) => a in holdFc);
  for (const a of reported) {
    const m = metricsOf(table, O, holdFc[a]);
    models[a] = { ...m, fva: forecastValueAdded(m.wape, snWape), fitSeconds: fitSeconds[a] };
  }
  const rank = (n: string): number => SIMPLICITY_ORDER.indexOf(n);
  const best = reported.reduce((b, a) => {
    const wa = models[a].wape;
    const wb = models[b].wape;
    if (!Number.isFinite(wb) || wa < wb - 1e-12) return a;
    if (Math.abs(wa - wb) <= 1e-12 && rank(a) < rank(b)) return a;
    return b;
  }, reported[0]);

  // Per segment: the best model beside seasonal naive.
  const bestPairs = pairs(table, O, holdFc[best]);
  const snPairs = pairs(table, O, baselineFc.seasonal_naive);
  const segments: Record<string, Record<string, SegmentMetrics>> = {};
  for (const [dim, labels] of Object.entries(segmentLabels(table))) {
    const segOf = Array.from(bestPairs.series, (s) => labels[s]);
    const mb = metricsBySegment(bestPairs.actual, bestPairs.predicted, segOf);
    const ms = metricsBySegment(snPairs.actual, snPairs.predicted, Array.from(snPairs.series, (s) => labels[s]));
    const out: Record<string, SegmentMetrics> = {};
    for (const [k, m] of mb) {
      const sn = ms.get(k);
      if (sn) out[k] = { best: m, seasonalNaive: sn, fva: forecastValueAdded(m.wape, sn.wape) };
    }
    segments[dim] = out;
  }

  // 4. Intervals: calibrated per level on validation backtests (the validation window, plus
  // earlier windows of the best model refitted there), coverage measured on the hold-out.
  const backtests: { origin: number; fc: SeriesForecast }[] = [{ origin: V, fc: validFc[best] }];
  for (let w = 2; w <= calibrationWindows; w++) {
    const Vw = O - w * H * step;
    if (Vw - first < 8 * step * 4) break;
    const set = pick(fs, rowsWhere(fs, (d) => d <= Vw));
    const members = best === 'ensemble' ? [...BASE_ALGORITHMS] : [best as BaseAlgorithm];
    const fitted = members.map((m) => fitModel(m, params[m], set.X, set.y, { kernels }).model);
    const ens = ensemble;
    const predictor: Predictor = best === 'ensemble' && ens ? { predict: (X: FeatureMatrix) => ens.combine(fitted.map((f) => f.predict(X))) } : fitted[0];
    backtests.push({ origin: Vw, fc: recursiveForecast(predictor, pipeline, table, Vw, { horizon: H, series: allSeries, clampAtZero }) });
    await advance(`calibration backtest ${w}`);
  }
  const levels = FORECAST_LEVELS.filter((l) => levelAvailable(table, l));
  const window = scaleWindowOf(step);
  const coverageByLevel: TrainingRun['coverageByLevel'] = {};
  const calibrate = (bts: readonly LevelBacktest[]): ScaledConformal => {
    const parts = bts.map(calibrationSamples);
    const cat = (get: (p: (typeof parts)[number]) => Float64Array): Float64Array => {
      const out = new Float64Array(parts.reduce((n, p) => n + get(p).length, 0));
      let at = 0;
      for (const p of parts) {
        out.set(get(p), at);
        at += get(p).length;
      }
      return out;
    };
    const scales = new Float64Array(bts.reduce((n, b) => n + b.scale.length, 0));
    let at = 0;
    for (const b of bts) {
      scales.set(b.scale, at);
      at += b.scale.length;
    }
    return ScaledConformal.calibrate({ actual: cat((p) => p.actual), predicted: cat((p) => p.predicted), horizon: cat((p) => p.horizon), scale: cat((p) => p.scale) }, step, scales);
  };
  const intervals: Record<string, unknown> = {};
  for (const level of levels) {
    const vbs = backtests.map((b) => levelBacktest(table, b.origin, b.fc, level, window));
    const hb = levelBacktest(table, O, holdFc[best], level, window);
    coverageByLevel[level] = intervalCoverage(hb, calibrate(vbs), clampAtZero);
    // Served intervals also learn from the hold-out residuals (newest, most like the future).
    intervals[level] = calibrate([...vbs, hb]).toJSON();
  }
  const seriesCov = coverageByLevel.series ?? { p80: NaN, p95: NaN };
  await advance('intervals');

  // 5. Refit the best model on everything up to the last day, for serving.
  const finalPipeline = new FeaturePipeline({ holidays }).fit(table, { trainEnd: last });
  const ffs = finalPipeline.transform(table);
  const finalSet = pick(ffs, rowsWhere(ffs, (d) => d <= last));
  const finalMembers = best === 'ensemble' ? [...BASE_ALGORITHMS] : [best as BaseAlgorithm];
  const modelJson: Record<string, unknown> = {};
  const finalParams: Record<string, ModelParams> = {};
  for (const m of finalMembers) {
    modelJson[m] = fitModel(m, params[m], finalSet.X, finalSet.y, { kernels }).model.toJSON();
    finalParams[m] = params[m];
  }
  await advance('final refit');
  const trainingWindow = { from: formatDay(first), to: formatDay(last) };
  const artifact: TrainingArtifact = {
    kind: ARTIFACT_KIND,
    schemaVersion: ARTIFACT_SCHEMA_VERSION,
    algorithm: best,
    frequency: table.frequency,
    step,
    maxHorizon,
    clampAtZero,
    seed,
    trainingWindow,
    featureNames: [...finalPipeline.featureNames],
    holidays,
    pipeline: finalPipeline.toJSON(),
    models: modelJson,
    params: finalParams,
    ensemble: best === 'ensemble' && ensemble ? ensemble.toJSON() : null,
    intervals,
  };
  done = total - 1; // a calibration window the data was too short for was skipped
  await advance('done');
  return {
    best,
    models,
    baselines,
    segments,
    scorecard: scorecardOf(table, bestPairs.actual, bestPairs.predicted, bestPairs.series),
    coverage: { p80: seriesCov.p80, p95: seriesCov.p95 },
    coverageByLevel,
    ensembleWeights: ensemble ? Object.fromEntries(ensemble.weights) : null,
    trials,
    durationMs: performance.now() - started,
    datasetFingerprint: input.datasetFingerprint,
    trainingWindow,
    holdout: { from: formatDay(O + step), to: formatDay(last), periods: H },
    featureNames: [...pipeline.featureNames],
    params,
    artifact,
  };
}
