/**
 * The stages of a training run (docs/training.md, "Training procedure"), each a function of the
 * plan and of the earlier stages' results, reporting its own progress steps:
 *
 *   features    the feature pipeline fitted on days <= O only (encodings never see the hold-out)
 *   tuning      random search over boosting with rolling-origin CV on the training window
 *   validation  each model fitted on days <= V with boosting's early stopping on (V, O], forecasting
 *               (V, O] recursively from V (ensemble weights, interval calibration); then refitted
 *               on days <= O and forecasting the hold-out (O, last] recursively from O (no true
 *               lag of a hold-out day is ever read); one independent unit per algorithm
 *               (fitAndForecast), then the ensemble
 *   evaluation  every metric overall and per segment beside seasonal naive and moving average, and
 *               the best model by validation WAPE (ties: the simpler model); the hold-out scores
 *               that choice and never makes it
 *   intervals   conformal intervals per level calibrated on validation backtests, coverage measured
 *               on the hold-out
 *   refit       the best model refitted on every day up to `last` (pipeline too), for serving
 *
 * where last = the table's last day, H = hold-out periods, O = last - H, V = O - H. train.ts runs
 * them in order (TRAINING_STAGES); each stage's step count is known from the plan, so a progress
 * bar knows the total before the run starts.
 */
import { dateRange, rowOf, seriesCount, type DailyTable, type PlannedEvent } from '../data/table';
import { formatDay } from '../data/dates';
import { FeaturePipeline, type FeatureSet } from '../features/pipeline';
import type { HolidaySpec } from '../features/holidays';
import { recursiveForecast, type Predictor, type SeriesForecast } from '../forecasting';
import { selectRows, type FeatureMatrix } from '../matrix';
import { forecastValueAdded, metricsBySegment, regressionMetrics, type RegressionMetrics } from '../metrics';
import { WeightedEnsemble } from '../ensemble';
import { seasonalNaiveForecast } from '../baselines/seasonal-naive';
import { movingAverageForecast } from '../baselines/moving-average';
import { crossValidate, rollingOriginFolds } from '../evaluation';
import { randomSearch, type TrialResult } from '../tuning';
import { calibrationSamples, intervalCoverage, levelBacktest, type LevelBacktest } from '../forecasting/backtest';
import { ScaledConformal, scaleWindowOf } from '../forecasting/intervals';
import { FORECAST_LEVELS, levelAvailable, type ForecastLevel } from '../forecasting/levels';
import type { TreeKernels } from '../trees/kernels';
import { ARTIFACT_KIND, ARTIFACT_SCHEMA_VERSION, type TrainingArtifact } from './artifact';
import { segmentLabels } from './scorecard';
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

/** Every metric of regressionMetrics plus the value added over seasonal naive and the fit time. */
export interface ModelMetrics extends RegressionMetrics {
  /** 1 - WAPE / WAPE(seasonal naive). */
  fva: number;
  /** Seconds to fit on the training window (0 for baselines). */
  fitSeconds: number;
  /**
   * WAPE on the validation window (V, O], forecast recursively from V by the model fitted on
   * days <= V: what the best model is chosen by (the hold-out only scores it). The ensemble's is
   * cross-fitted (weights fitted on half of the series, scored on the other half, both ways).
   */
  validationWape: number;
}

export interface SegmentMetrics {
  best: RegressionMetrics;
  seasonalNaive: RegressionMetrics;
  fva: number;
}

export interface TrainingTrial extends TrialResult {
  algorithm: BaseAlgorithm;
}

/** What a run is asked to do, checked once (train.ts planTraining) before any stage runs. */
export interface TrainingPlan {
  readonly table: DailyTable;
  readonly planned: readonly PlannedEvent[];
  readonly holidays: HolidaySpec;
  readonly datasetFingerprint: string;
  readonly step: 1 | 7;
  readonly seed: number;
  /** Hold-out periods. */
  readonly H: number;
  readonly maxHorizon: number;
  /** Algorithms asked for, in order, deduplicated. */
  readonly requested: readonly Algorithm[];
  readonly withEnsemble: boolean;
  /** The base models fitted (the ensemble's members too when it is asked for). */
  readonly base: readonly BaseAlgorithm[];
  readonly tune: boolean;
  readonly tuneTrials: number;
  readonly calibrationWindows: number;
  readonly first: number;
  readonly last: number;
  /** Hold-out origin. */
  readonly O: number;
  /** Validation origin. */
  readonly V: number;
  readonly kernels: TreeKernels | undefined;
  readonly onTrial: ((trial: TrainingTrial) => void) | undefined;
  readonly signal: AbortSignal | undefined;
}

/** A stage's progress: `step` counts a step and yields to the event loop (then stops if cancelled); `count` only counts. */
export interface StageReport {
  /** Counts a step, waits for its report to land, and yields (a cancellation is seen here). */
  step(message: string): Promise<void>;
  /** Counts a step without waiting (inside synchronous callbacks). */
  count(message: string): void;
  /** Waits for the last report to land (a job's progress write) before a long synchronous step. */
  settle(): Promise<void>;
}

/** Stops the run when its signal is aborted. */
export function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('training cancelled');
}

/** Lets the event loop breathe between long synchronous steps (progress writes, cancellation). */
export const tick = (): Promise<void> => new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

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
export function pairs(table: DailyTable, origin: number, fc: SeriesForecast): { actual: Float64Array; predicted: Float64Array; series: Int32Array } {
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

/** Every series of the table, the set each forecast covers. */
const allSeriesOf = (table: DailyTable): number[] => Array.from({ length: seriesCount(table) }, (_, s) => s);

// ---- features -------------------------------------------------------------------------------

export interface FeatureStageResult {
  pipeline: FeaturePipeline;
  fs: FeatureSet;
  win: Window;
  /** Quantities (even with a few returns) are never forecast negative; other targets as the model says. */
  clampAtZero: boolean;
  /** Default hyper-parameters per base model for this data. */
  params: Record<string, ModelParams>;
}

/** The feature pipeline fitted on days <= O, the windows' rows and the default hyper-parameters. One step. */
export async function featuresStage(plan: TrainingPlan, report: StageReport): Promise<FeatureStageResult> {
  const { table, holidays, O, V, seed } = plan;
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
  const clampAtZero = counts || minY >= 0;
  const traits = { rows: win.all.length, counts, seed };
  const params: Record<string, ModelParams> = {};
  for (const a of plan.base) params[a] = defaultParams(a, traits);
  await report.step('features');
  return { pipeline, fs, win, clampAtZero, params };
}

// ---- tuning ---------------------------------------------------------------------------------

/**
 * Random search over boosting's hyper-parameters with rolling-origin CV on the training window
 * (when the plan tunes and fits boosting); returns the trials and the parameters to fit with.
 * One counted step per trial.
 */
export async function tuningStage(plan: TrainingPlan, features: FeatureStageResult, report: StageReport): Promise<{ trials: TrainingTrial[]; params: Record<string, ModelParams> }> {
  const { fs, win } = features;
  const params = { ...features.params };
  const trials: TrainingTrial[] = [];
  if (!plan.tune || !plan.base.includes('gbm')) return { trials, params };
  const { signal, tuneTrials, H, step, seed, kernels } = plan;
  const all = pick(fs, win.all);
  const allDates = Int32Array.from(win.all, (r) => fs.rowDate[r]);
  const folds = rollingOriginFolds(allDates, { folds: 3, horizonDays: H * step, minTrainDays: 8 * step });
  const gbmBase = params.gbm;
  const search = await randomSearch(
    GBM_TUNING_SPACE,
    tuneTrials,
    seed,
    async (trial) => {
      // Each trial is long and synchronous: let the last trial's progress write land and yield
      // first, so that the bar moves and a cancellation (SIGTERM) is seen between trials.
      await report.settle();
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
        plan.onTrial?.(trial);
        report.count(`tuning trial ${t.index + 1}/${tuneTrials}: WAPE ${t.wape.toFixed(4)}`);
      },
    },
  );
  checkAbort(signal);
  if (search.best) params.gbm = { ...gbmBase, ...search.best.params };
  return { trials, params };
}

// ---- validation and hold-out ----------------------------------------------------------------

/** One base model's validation and hold-out fits and recursive forecasts. */
export interface AlgorithmFit {
  /** The parameters to refit with (boosting's rounds as early stopping kept). */
  params: ModelParams;
  validFc: SeriesForecast;
  holdFc: SeriesForecast;
  /** Fitted on days <= O. */
  holdModel: Predictor;
  fitSeconds: number;
}

/** The rows of the validation and hold-out fits: days <= V, (V, O] and <= O. */
export interface TrainingSets {
  train: { X: FeatureMatrix; y: Float64Array };
  valid: { X: FeatureMatrix; y: Float64Array };
  all: { X: FeatureMatrix; y: Float64Array };
}

/** The validation stage's row sets, copied out of the feature set once for every model. */
export function trainingSets(features: FeatureStageResult): TrainingSets {
  const { fs, win } = features;
  return { train: pick(fs, win.train), valid: pick(fs, win.valid), all: pick(fs, win.all) };
}

/**
 * Fits one base model on days <= V (boosting stopping early on (V, O]) and forecasts (V, O] from
 * V, then refits it on days <= O and forecasts the hold-out from O: four steps. Independent of
 * the other algorithms' units (a parallel runner may run them side by side).
 */
export async function fitAndForecast(
  plan: TrainingPlan,
  features: FeatureStageResult,
  sets: TrainingSets,
  algo: BaseAlgorithm,
  params: ModelParams,
  report: StageReport,
): Promise<AlgorithmFit> {
  const { table, V, O, H, kernels } = plan;
  const { pipeline, clampAtZero } = features;
  const allSeries = allSeriesOf(table);
  const { train: trainSet, valid: validSet, all: allSet } = sets;
  const v = fitModel(algo, params, trainSet.X, trainSet.y, { validation: validSet, kernels });
  await report.step(`${algo}: validation fit`);
  const validFc = recursiveForecast(v.model, pipeline, table, V, { horizon: H, series: allSeries, clampAtZero });
  await report.step(`${algo}: validation forecast`);
  const h = fitModel(algo, v.params, allSet.X, allSet.y, { kernels });
  await report.step(`${algo}: hold-out fit`);
  const holdFc = recursiveForecast(h.model, pipeline, table, O, { horizon: H, series: allSeries, clampAtZero });
  await report.step(`${algo}: hold-out forecast`);
  return { params: v.params, validFc, holdFc, holdModel: h.model, fitSeconds: h.fitSeconds };
}

export interface ValidationStageResult {
  params: Record<string, ModelParams>;
  validFc: Record<string, SeriesForecast>;
  holdFc: Record<string, SeriesForecast>;
  holdModels: Record<string, Predictor>;
  fitSeconds: Record<string, number>;
  ensemble: WeightedEnsemble | null;
}

/**
 * fitAndForecast for every base model in the plan's order, then (when asked for) the ensemble's
 * weights fitted on the validation forecasts and its own recursive hold-out forecast (two steps).
 */
export async function validationStage(plan: TrainingPlan, features: FeatureStageResult, tuned: Record<string, ModelParams>, report: StageReport): Promise<ValidationStageResult> {
  const { table, V, O, H, seed } = plan;
  const params = { ...tuned };
  const validFc: Record<string, SeriesForecast> = {};
  const holdFc: Record<string, SeriesForecast> = {};
  const holdModels: Record<string, Predictor> = {};
  const fitSeconds: Record<string, number> = {};
  const sets = trainingSets(features);
  for (const a of plan.base) {
    const fit = await fitAndForecast(plan, features, sets, a, params[a], report);
    params[a] = fit.params;
    validFc[a] = fit.validFc;
    holdFc[a] = fit.holdFc;
    holdModels[a] = fit.holdModel;
    fitSeconds[a] = fit.fitSeconds;
  }
  let ensemble: WeightedEnsemble | null = null;
  if (plan.withEnsemble) {
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
    await report.step('ensemble weights');
    holdModels.ensemble = { predict: (X: FeatureMatrix) => ens.combine(members.map((m) => holdModels[m].predict(X))) };
    holdFc.ensemble = recursiveForecast(holdModels.ensemble, features.pipeline, table, O, { horizon: H, series: allSeriesOf(table), clampAtZero: features.clampAtZero });
    await report.step('ensemble hold-out forecast');
  }
  return { params, validFc, holdFc, holdModels, fitSeconds, ensemble };
}

// ---- evaluation -----------------------------------------------------------------------------

export interface EvaluationStageResult {
  models: Record<string, ModelMetrics>;
  baselines: Record<string, ModelMetrics>;
  best: string;
  /** The best model's hold-out pairs (the scorecard's input). */
  bestPairs: ReturnType<typeof pairs>;
  segments: Record<string, Record<string, SegmentMetrics>>;
}

/** Hold-out and validation metrics of every asked-for model and the baselines, the best model (by validation), and per-segment metrics. No steps. */
export function evaluationStage(plan: TrainingPlan, fits: ValidationStageResult): EvaluationStageResult {
  const { table, O, H } = plan;
  const { holdFc, fitSeconds } = fits;
  const baselineFc = baselineForecasts(table, O, H);
  const baseMetrics: Record<string, RegressionMetrics> = {};
  for (const [name, fc] of Object.entries(baselineFc)) baseMetrics[name] = metricsOf(table, O, fc);
  const snWape = baseMetrics.seasonal_naive.wape;
  const validBaselines = baselineForecasts(table, plan.V, H);
  const baselines: Record<string, ModelMetrics> = {};
  for (const [name, m] of Object.entries(baseMetrics)) {
    baselines[name] = { ...m, fva: forecastValueAdded(m.wape, snWape), fitSeconds: 0, validationWape: metricsOf(table, plan.V, validBaselines[name]).wape };
  }
  const models: Record<string, ModelMetrics> = {};
  const reported = plan.requested.filter((a) => a in holdFc);
  for (const a of reported) {
    const m = metricsOf(table, O, holdFc[a]);
    const validationWape = a === 'ensemble' ? crossFittedEnsembleWape(plan, fits.validFc) : metricsOf(table, plan.V, fits.validFc[a]).wape;
    models[a] = { ...m, fva: forecastValueAdded(m.wape, snWape), fitSeconds: fitSeconds[a], validationWape };
  }
  const best = chooseBest(models, reported);

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
  return { models, baselines, best, bestPairs, segments };
}

/**
 * The model with the lowest validation WAPE (ties, within 1e-12: the simpler one, SIMPLICITY_ORDER).
 * Never the hold-out's: the hold-out scores the choice, it does not make it.
 */
export function chooseBest(models: Readonly<Record<string, { validationWape: number }>>, candidates: readonly string[]): string {
  const rank = (n: string): number => SIMPLICITY_ORDER.indexOf(n);
  return candidates.reduce((b, a) => {
    const wa = models[a].validationWape;
    const wb = models[b].validationWape;
    if (!Number.isFinite(wb) || wa < wb - 1e-12) return a;
    if (Math.abs(wa - wb) <= 1e-12 && rank(a) < rank(b)) return a;
    return b;
  }, candidates[0]);
}

/**
 * The ensemble's validation WAPE without scoring weights on the forecasts they were fitted to:
 * the series split in two (even and odd indices; a single series' periods, alternately), weights
 * fitted on one half's validation forecasts and applied to the other's, both ways, the absolute
 * errors pooled.
 */
function crossFittedEnsembleWape(plan: TrainingPlan, validFc: Readonly<Record<string, SeriesForecast>>): number {
  const { table, V, seed } = plan;
  const members = [...BASE_ALGORITHMS];
  const vp = members.map((m) => pairs(table, V, validFc[m]));
  const { actual, series } = vp[0];
  // By series when there are several (a series' own days are alike), else by alternate periods.
  const bySeries = new Set(series).size >= 2;
  let absError = 0;
  let absActual = 0;
  for (const half of [0, 1]) {
    const fitRows: number[] = [];
    const scoreRows: number[] = [];
    for (let i = 0; i < series.length; i++) ((bySeries ? series[i] : i) % 2 === half ? fitRows : scoreRows).push(i);
    if (fitRows.length === 0 || scoreRows.length === 0) return Number.NaN;
    const take = (a: Float64Array, rows: number[]): Float64Array => Float64Array.from(rows, (i) => a[i]);
    const weights = new WeightedEnsemble({ seed }).fit(
      vp.map((p) => take(p.predicted, fitRows)),
      take(actual, fitRows),
      members,
    );
    const combined = weights.combine(vp.map((p) => take(p.predicted, scoreRows)));
    scoreRows.forEach((i, j) => {
      absError += Math.abs(actual[i] - combined[j]);
      absActual += Math.abs(actual[i]);
    });
  }
  return absActual > 0 ? absError / absActual : Number.NaN;
}

// ---- intervals ------------------------------------------------------------------------------

export interface IntervalStageResult {
  coverageByLevel: Partial<Record<ForecastLevel, { p80: number; p95: number; n: number }>>;
  /** ScaledConformal JSON per level, for serving. */
  intervals: Record<string, unknown>;
}

/** Conformal intervals of several backtests' samples pooled. */
function calibrate(bts: readonly LevelBacktest[], step: 1 | 7): ScaledConformal {
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
}

/**
 * Intervals calibrated per level on validation backtests (the validation window, plus earlier
 * windows of the best model refitted there: one step each) with their hold-out coverage; the
 * served intervals also learn from the hold-out residuals (newest, most like the future). One
 * step at the end.
 */
export async function intervalsStage(
  plan: TrainingPlan,
  features: FeatureStageResult,
  fits: ValidationStageResult,
  best: string,
  report: StageReport,
): Promise<IntervalStageResult> {
  const { table, first, O, V, H, step, kernels } = plan;
  const { fs, pipeline, clampAtZero } = features;
  const { params, ensemble } = fits;
  const allSeries = allSeriesOf(table);
  const backtests: { origin: number; fc: SeriesForecast }[] = [{ origin: V, fc: fits.validFc[best] }];
  for (let w = 2; w <= plan.calibrationWindows; w++) {
    const Vw = O - w * H * step;
    if (Vw - first < 8 * step * 4) break;
    const set = pick(fs, rowsWhere(fs, (d) => d <= Vw));
    const members = best === 'ensemble' ? [...BASE_ALGORITHMS] : [best as BaseAlgorithm];
    const fitted = members.map((m) => fitModel(m, params[m], set.X, set.y, { kernels }).model);
    const ens = ensemble;
    const predictor: Predictor = best === 'ensemble' && ens ? { predict: (X: FeatureMatrix) => ens.combine(fitted.map((f) => f.predict(X))) } : fitted[0];
    backtests.push({ origin: Vw, fc: recursiveForecast(predictor, pipeline, table, Vw, { horizon: H, series: allSeries, clampAtZero }) });
    await report.step(`calibration backtest ${w}`);
  }
  const levels = FORECAST_LEVELS.filter((l) => levelAvailable(table, l));
  const window = scaleWindowOf(step);
  const coverageByLevel: IntervalStageResult['coverageByLevel'] = {};
  const intervals: Record<string, unknown> = {};
  for (const level of levels) {
    const vbs = backtests.map((b) => levelBacktest(table, b.origin, b.fc, level, window));
    const hb = levelBacktest(table, O, fits.holdFc[best], level, window);
    coverageByLevel[level] = intervalCoverage(hb, calibrate(vbs, step), clampAtZero);
    intervals[level] = calibrate([...vbs, hb], step).toJSON();
  }
  await report.step('intervals');
  return { coverageByLevel, intervals };
}

// ---- refit ----------------------------------------------------------------------------------

/** The best model (or the ensemble's members) refitted on every day up to `last`, pipeline too, as the serving artifact. One step. */
export async function refitStage(
  plan: TrainingPlan,
  features: FeatureStageResult,
  fits: ValidationStageResult,
  best: string,
  intervals: IntervalStageResult,
  report: StageReport,
): Promise<TrainingArtifact> {
  const { table, holidays, last, first, step, kernels } = plan;
  const finalPipeline = new FeaturePipeline({ holidays }).fit(table, { trainEnd: last });
  const ffs = finalPipeline.transform(table);
  const finalSet = pick(ffs, rowsWhere(ffs, (d) => d <= last));
  const finalMembers = best === 'ensemble' ? [...BASE_ALGORITHMS] : [best as BaseAlgorithm];
  const modelJson: Record<string, unknown> = {};
  const finalParams: Record<string, ModelParams> = {};
  for (const m of finalMembers) {
    modelJson[m] = fitModel(m, fits.params[m], finalSet.X, finalSet.y, { kernels }).model.toJSON();
    finalParams[m] = fits.params[m];
  }
  await report.step('final refit');
  return {
    kind: ARTIFACT_KIND,
    schemaVersion: ARTIFACT_SCHEMA_VERSION,
    algorithm: best,
    frequency: table.frequency,
    step,
    maxHorizon: plan.maxHorizon,
    clampAtZero: features.clampAtZero,
    seed: plan.seed,
    trainingWindow: { from: formatDay(first), to: formatDay(last) },
    featureNames: [...finalPipeline.featureNames],
    holidays,
    pipeline: finalPipeline.toJSON(),
    models: modelJson,
    params: finalParams,
    ensemble: best === 'ensemble' && fits.ensemble ? fits.ensemble.toJSON() : null,
    intervals: intervals.intervals,
  };
}

/** The table's first and last day. @throws RangeError when it is empty. */
export function tableSpan(table: DailyTable): { first: number; last: number } {
  const { first, last } = dateRange(table);
  if (!Number.isFinite(last)) throw new RangeError('the dataset is empty');
  return { first, last };
}
