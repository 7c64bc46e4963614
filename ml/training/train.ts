/**
 * Training a tenant's forecasting models (docs/training.md): the run as a list of named stages
 * (stages.ts), in job workers and the CLI (through lib/training) and in tests.
 *
 * Protocol: last = the table's last day; H = hold-out periods; O = last - H (hold-out origin);
 * V = O - H (validation origin). Features are fitted on days <= O; each model is validated on
 * (V, O] from V, refitted on days <= O and scored on the recursive hold-out (O, last] from O; the
 * best by validation WAPE (never the hold-out's, which only scores the choice) gets intervals
 * calibrated on validation backtests and is refitted on every day up to `last` for serving.
 */
import type { PlannedEvent, DailyTable } from '../data/table';
import { formatDay } from '../data/dates';
import type { HolidaySpec } from '../features/holidays';
import type { ForecastLevel } from '../forecasting/levels';
import type { Scorecard } from '../monitoring/promotion';
import type { TreeKernels } from '../trees/kernels';
import type { TrainingArtifact } from './artifact';
import { BASE_ALGORITHMS, type Algorithm, type BaseAlgorithm, type ModelParams } from './models';
import { scorecardOf } from './scorecard';
import {
  checkAbort,
  evaluationStage,
  featuresStage,
  intervalsStage,
  refitStage,
  tableSpan,
  tick,
  tuningStage,
  validationStage,
  type ModelMetrics,
  type SegmentMetrics,
  type StageReport,
  type TrainingPlan,
  type TrainingTrial,
} from './stages';

export type { ModelMetrics, SegmentMetrics, TrainingTrial, TrainingPlan, StageReport } from './stages';

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

/** The stages of a run, in the order they run. */
export const TRAINING_STAGES = ['features', 'tuning', 'validation', 'evaluation', 'intervals', 'refit'] as const;
export type TrainingStageName = (typeof TRAINING_STAGES)[number];

/** Progress of a run: `done` of `total` steps, what just finished, and the stage it belongs to. */
/**
 * Reports progress. It may return a promise (a job writing its progress record): training waits
 * for it before its next long synchronous step, or the write could not run until the end.
 */
export type ProgressFn = (done: number, total: number, message: string, stage?: TrainingStageName) => unknown;

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

export interface TrainOnTableInput {
  table: DailyTable;
  planned?: readonly PlannedEvent[];
  holidays: HolidaySpec;
  datasetFingerprint: string;
}

/**
 * Checks the options against the table and fixes every window of the run.
 * @throws RangeError on bad options or a table too short for the hold-out and validation windows.
 */
export function planTraining(input: TrainOnTableInput, options: TrainOptions = {}, signal?: AbortSignal): TrainingPlan {
  const { table } = input;
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
  const { first, last } = tableSpan(table);
  const O = last - H * step;
  const V = O - H * step;
  if (V - first < 8 * step * 4) throw new RangeError(`the dataset is too short for a ${H}-period hold-out and validation window`);
  return {
    table,
    planned: input.planned ?? [],
    holidays: input.holidays,
    datasetFingerprint: input.datasetFingerprint,
    step,
    seed,
    H,
    maxHorizon,
    requested,
    withEnsemble,
    base,
    tune: options.tune === true,
    tuneTrials,
    calibrationWindows,
    first,
    last,
    O,
    V,
    kernels: options.kernels,
    onTrial: options.onTrial,
    signal,
  };
}

/**
 * Steps each stage reports for a plan (a stage may end with fewer: a calibration window the data
 * is too short for is skipped), plus the run's closing step.
 */
export function stageSteps(plan: TrainingPlan): Record<TrainingStageName | 'done', number> {
  return {
    features: 1,
    tuning: plan.tune ? plan.tuneTrials : 0,
    validation: plan.base.length * 4 + (plan.withEnsemble ? 2 : 0),
    evaluation: 0,
    intervals: plan.calibrationWindows - 1 + 1,
    refit: 1,
    done: 1,
  };
}

/** One counter of steps across the stages, with a report per stage. */
class RunProgress {
  done = 0;

  constructor(
    readonly total: number,
    private readonly progress: ProgressFn,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** The progress of one stage. */
  stage(name: TrainingStageName): StageReport {
    return {
      step: (message) => this.step(message, name),
      count: (message) => this.count(message, name),
      settle: () => this.settle(),
    };
  }

  /** What the last report returned (a progress write), waited for before the next long step. */
  private pending: unknown;

  count(message: string, stage: TrainingStageName): void {
    this.done++;
    this.pending = this.progress(Math.min(this.done, this.total), this.total, message, stage);
  }

  async settle(): Promise<void> {
    await this.pending;
    this.pending = undefined;
  }

  async step(message: string, stage: TrainingStageName): Promise<void> {
    this.count(message, stage);
    await this.settle();
    await tick();
    checkAbort(this.signal);
  }
}

/**
 * Trains, evaluates and refits on a table (the pure part of trainTenant, usable in tests): the
 * stages of TRAINING_STAGES in order, progress counted over all of them.
 * @throws RangeError on bad options or a table too short for the hold-out and validation windows.
 */
export async function trainOnTable(input: TrainOnTableInput, options: TrainOptions = {}, progress: ProgressFn = () => {}, signal?: AbortSignal): Promise<TrainingRun> {
  const started = performance.now();
  const plan = planTraining(input, options, signal);
  const steps = stageSteps(plan);
  const run = new RunProgress(
    Object.values(steps).reduce((a, b) => a + b, 0),
    progress,
    signal,
  );
  await progress(0, run.total, 'features', 'features');
  const features = await featuresStage(plan, run.stage('features'));
  const tuned = await tuningStage(plan, features, run.stage('tuning'));
  const fits = await validationStage(plan, features, tuned.params, run.stage('validation'));
  const evaluation = evaluationStage(plan, fits);
  const { best } = evaluation;
  const intervals = await intervalsStage(plan, features, fits, best, run.stage('intervals'));
  const artifact = await refitStage(plan, features, fits, best, intervals, run.stage('refit'));
  run.done = run.total - 1; // a calibration window the data was too short for was skipped
  await run.step('done', 'refit');
  const seriesCov = intervals.coverageByLevel.series ?? { p80: NaN, p95: NaN };
  const { bestPairs } = evaluation;
  return {
    best,
    models: evaluation.models,
    baselines: evaluation.baselines,
    segments: evaluation.segments,
    scorecard: scorecardOf(plan.table, bestPairs.actual, bestPairs.predicted, bestPairs.series),
    coverage: { p80: seriesCov.p80, p95: seriesCov.p95 },
    coverageByLevel: intervals.coverageByLevel,
    ensembleWeights: fits.ensemble ? Object.fromEntries(fits.ensemble.weights) : null,
    trials: tuned.trials,
    durationMs: performance.now() - started,
    datasetFingerprint: plan.datasetFingerprint,
    trainingWindow: { ...artifact.trainingWindow },
    holdout: { from: formatDay(plan.O + plan.step), to: formatDay(plan.last), periods: plan.H },
    featureNames: [...features.pipeline.featureNames],
    params: fits.params,
    artifact,
  };
}
