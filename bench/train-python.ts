/**
 * The Python peer of `npm run bench:train` (issue 14): the training protocol of ml/training run
 * by bench/py/train_pipeline.py (pandas + XGBoost hist, nthread=2, under /usr/bin/python3 with
 * Debian's python3-pandas and python3-xgboost) on the same table with the same features. This
 * side writes the table and the plan's windows to a temporary directory (not timed), runs the
 * script, which times its own stages from reading the files to the refitted model, and parses
 * the one JSON object it prints.
 *
 *   const plan = planTraining({ table, holidays, datasetFingerprint }, { seed });
 *   const features = await featuresStage(plan, report);   // or its gbm params and feature names
 *   const py = runPythonTrain(pythonTrainInput(plan, features.params.gbm, features.pipeline.featureNames));
 *
 * Pass the default gbm parameters of the data (featuresStage's, or defaultParams), not a run's
 * `params.gbm`: those carry the round count early stopping kept as nEstimators.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { civilFromDay, dayFromCivil } from '../ml/data/dates';
import { dateRange, rowSeriesIndex, type DailyTable } from '../ml/data/table';
import { expandHolidays, type HolidaySpec } from '../ml/features/holidays';
import { DEFAULT_PIPELINE_OPTIONS } from '../ml/features/pipeline';
import type { TrainingPlan } from '../ml/training';

export interface PythonTrainInput {
  table: DailyTable;
  /** Expanded to day numbers over the table's years and the horizon's, two years either side, as the pipeline does. */
  holidays: HolidaySpec;
  /** Hold-out periods (plan.H). */
  H: number;
  /** Hold-out and validation origins (day numbers), as planTraining gives. */
  O: number;
  V: number;
  /** Origins of the backtest windows the intervals are calibrated on: [V, O - 2*H*step]. */
  calibrationOrigins: number[];
  /** Our gbm parameters (nEstimators, learningRate, maxDepth, minChildWeight, lambda, subsample, colsample, loss, earlyStoppingRounds, seed). */
  gbm: Record<string, unknown>;
  /** Our pipeline's feature names: the script's are compared with them. */
  featureNames: string[];
}

export interface PythonTrainResult {
  total_s: number;
  wape: number;
  coverage_p80: number;
  coverage_p95: number;
  stages: Record<string, number>;
  features: number;
  trees: number;
}

const SCRIPT = path.join(__dirname, 'py', 'train_pipeline.py');
const PYTHON = '/usr/bin/python3';

const outputSchema = z.object({
  total_s: z.number(),
  stages: z.record(z.string(), z.number()),
  wape: z.number(),
  coverage_p80: z.number(),
  coverage_p95: z.number(),
  features: z.number().int(),
  trees: z.number().int(),
  feature_names: z.array(z.string()),
});

/**
 * The input of a plan: its table, holidays and windows; the calibration origins as intervalsStage
 * chooses them (the validation origin, then each earlier window the data is long enough for).
 */
export function pythonTrainInput(plan: TrainingPlan, gbm: Record<string, unknown>, featureNames: readonly string[]): PythonTrainInput {
  const { table, holidays, H, O, V, step, first } = plan;
  const calibrationOrigins = [V];
  for (let w = 2; w <= plan.calibrationWindows; w++) {
    const origin = O - w * H * step;
    if (origin - first < 8 * step * 4) break;
    calibrationOrigins.push(origin);
  }
  return { table, holidays, H, O, V, calibrationOrigins, gbm, featureNames: [...featureNames] };
}

function writeColumn(file: string, a: Int32Array | Float64Array): void {
  writeFileSync(file, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

/** The table as little-endian columns plus meta.json, the layout train_pipeline.py reads. */
export function writePythonTrainInput(dir: string, input: PythonTrainInput): void {
  const { table, H } = input;
  const { first, last } = dateRange(table);
  const from = dayFromCivil(civilFromDay(first).year - 2, 1, 1);
  const to = dayFromCivil(civilFromDay(last + H * table.step).year + 2, 12, 31);
  writeColumn(path.join(dir, 'series.i32'), rowSeriesIndex(table));
  writeColumn(path.join(dir, 'day.i32'), table.day);
  writeColumn(path.join(dir, 'target.f64'), table.target);
  const numeric = Object.keys(table.numeric);
  numeric.forEach((name, i) => writeColumn(path.join(dir, `num_${i}.f64`), table.numeric[name]));
  const categorical = Object.entries(table.categorical);
  categorical.forEach(([, col], i) => writeColumn(path.join(dir, `cat_${i}.i32`), Int32Array.from(col.codes)));
  const meta = {
    step: table.step,
    frequency: table.frequency,
    targetName: table.targetName,
    keyNames: table.keyNames,
    keyVocab: table.keyVocab,
    seriesKeys: table.seriesKeys.map((codes) => Array.from(codes)),
    numeric,
    categorical: categorical.map(([name, col]) => ({ name, vocab: col.vocab })),
    holidays: Array.from(expandHolidays(input.holidays, from, to)),
    oneHotMaxValues: DEFAULT_PIPELINE_OPTIONS.oneHotMaxValues,
    targetEncodingSmoothing: DEFAULT_PIPELINE_OPTIONS.targetEncodingSmoothing,
    H,
    O: input.O,
    V: input.V,
    calibrationOrigins: input.calibrationOrigins,
    gbm: input.gbm,
    featureNames: input.featureNames,
  };
  writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta));
}

/**
 * Runs the Python pipeline on the input and returns its timings and scores; warns on stderr when
 * its feature names differ from ours.
 * @throws Error with the script's stderr when it fails or prints no result.
 */
export function runPythonTrain(input: PythonTrainInput): PythonTrainResult {
  const dir = mkdtempSync(path.join(tmpdir(), 'foresight-train-python-'));
  try {
    writePythonTrainInput(dir, input);
    const res = spawnSync(PYTHON, [SCRIPT, dir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OMP_NUM_THREADS: '2' },
      maxBuffer: 1 << 26,
    });
    if (res.error) throw new Error(`${PYTHON} ${SCRIPT}: ${res.error.message}\n${res.stderr ?? ''}`);
    if (res.status !== 0) throw new Error(`${SCRIPT} failed (${res.signal ?? `status ${res.status}`}):\n${res.stderr}`);
    const line = res.stdout.trim().split('\n').pop() ?? '';
    let parsed: z.infer<typeof outputSchema>;
    try {
      parsed = outputSchema.parse(JSON.parse(line));
    } catch (e) {
      throw new Error(`${SCRIPT} printed no result (${(e as Error).message}):\n${res.stdout.slice(-2000)}\n${res.stderr}`, { cause: e });
    }
    const ours = new Set(input.featureNames);
    const theirs = new Set(parsed.feature_names);
    const missing = input.featureNames.filter((n) => !theirs.has(n));
    const extra = parsed.feature_names.filter((n) => !ours.has(n));
    if (missing.length > 0 || extra.length > 0 || parsed.feature_names.join('\u0000') !== input.featureNames.join('\u0000')) {
      console.warn(`python pipeline features differ from ours: missing ${JSON.stringify(missing)}, extra ${JSON.stringify(extra)}${missing.length + extra.length === 0 ? ' (order differs)' : ''}`);
    }
    const { feature_names: _names, ...result } = parsed;
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
