/**
 * ML engine benchmark: our GBM, RF, ridge and seasonal naive against XGBoost `hist` (nthread=2),
 * scikit-learn HistGradientBoostingRegressor and RandomForestRegressor(n_jobs=2), all fitted on
 * the same table with the same hyper-parameters, scored on the same chronological hold-out.
 *
 *   npx tsx bench/ml.ts                      # every dataset, writes bench/results/ml.json
 *   npx tsx bench/ml.ts --dataset=synthetic_200k_x40 --skip-python
 *   npx tsx bench/ml.ts --quick              # small smoke run, prints only
 *   npx tsx bench/ml.ts --single-thread     # our models on one thread
 *
 * Python side: bench/py/ml_bench.py under /usr/bin/python3 (apt: python3-xgboost python3-sklearn).
 * Datasets: the demo feature table (demo retailer through import and the feature pipeline) and a
 * synthetic 200,000 x 40 table. To add one, add an entry to DATASETS returning a BenchDataset;
 * the rest of the bench is dataset-agnostic.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { importRetail } from '../lib/ingest/retail';
import { SeasonalNaiveRegressor } from '../ml/baselines/seasonal-naive';
import { generateRetailDemo } from '../ml/data/generator';
import { dateRange } from '../ml/data/table';
import { FeaturePipeline } from '../ml/features/pipeline';
import { chronologicalHoldout, type DateLike } from '../ml/evaluation';
import { RidgeRegressor } from '../ml/linear/ridge';
import { createMatrix, selectRows, type FeatureMatrix } from '../ml/matrix';
import { wape } from '../ml/metrics';
import { createRandom } from '../ml/random';
import { GradientBoostingRegressor } from '../ml/trees/gradient-boosting';
import type { TreeKernels } from '../ml/trees/kernels';
import { startTreeWorkers } from '../ml/trees/pool';
import { RandomForestRegressor } from '../ml/trees/random-forest';

/** A feature table with its dates; the hold-out is the last `holdoutDays` days. */
export interface BenchDataset {
  X: FeatureMatrix;
  y: Float64Array;
  dates: ArrayLike<DateLike>;
  holdoutDays: number;
  /** Column holding the value one season earlier (seasonal naive); omit to skip that baseline. */
  seasonalLagFeature?: string;
}

/** Hyper-parameters shared by every tree model (docs/ml.md: 200 trees, depth 8, lr 0.1, 255 bins). */
const PARAMS = {
  trees: 200,
  depth: 8,
  learningRate: 0.1,
  bins: 255,
  lambda: 1,
  minChildWeight: 1,
  seed: 42,
  // Random forests: same tree count and depth; a third of the features per split (the usual
  // regression choice, applied identically to both forests).
  rfTrees: 200,
  rfDepth: 8,
  rfMaxFeatures: 1 / 3,
};

/**
 * Synthetic retail-like table: `series` series x `days` days, rows ordered by date, 40 columns:
 * calendar, level, price/promotion, lags and rolling statistics of the target (from earlier days
 * only, NaN before enough history), and noise features. y has weekly and yearly seasonality,
 * promotions, a price elasticity and a persistent AR(1) shock, so lags carry signal.
 */
function syntheticTable(series: number, days: number, seed = 7): BenchDataset {
  const rng = createRandom(seed);
  const names = ['dow', 'doy', 'day_index', 'store_size', 'item_level', 'price', 'promo', 'lag_1', 'lag_7', 'lag_14', 'lag_28', 'roll_mean_7', 'roll_mean_28', 'roll_std_7'];
  const noise = 40 - names.length;
  for (let k = 0; k < noise; k++) names.push(`noise_${k}`);
  const n = series * days;
  const X = createMatrix(n, names);
  const v = X.values;
  const y = new Float64Array(n);
  const dates = new Int32Array(n);
  const start = 19_000; // epoch day, 2022-01-08
  const col = (name: string) => names.indexOf(name) * n;
  const level = Float64Array.from({ length: series }, () => 20 * Math.exp(rng.normal()));
  const size = Float64Array.from({ length: series }, () => 0.5 + rng.next());
  const weekly = Array.from({ length: series }, () => Float64Array.from({ length: 7 }, (_, d) => 1 + (d >= 5 ? 0.4 : 0) + 0.1 * rng.normal()));
  const basePrice = Float64Array.from({ length: series }, () => 50 + 100 * rng.next());
  const history = Array.from({ length: series }, () => new Float64Array(days));
  const shock = new Float64Array(series);
  const promoLeft = new Int32Array(series);
  for (let d = 0; d < days; d++) {
    const dow = (start + d + 4) % 7;
    const doy = (d + 8) % 365;
    for (let s = 0; s < series; s++) {
      const r = d * series + s;
      dates[r] = start + d;
      if (promoLeft[s] > 0) promoLeft[s]--;
      else if (rng.next() < 0.02) promoLeft[s] = 7;
      const promo = promoLeft[s] > 0 ? 1 : 0;
      const price = basePrice[s] * (promo ? 0.75 : 1) * (1 + 0.05 * rng.normal());
      shock[s] = 0.9 * shock[s] + 0.1 * rng.normal();
      const mu =
        level[s] * size[s] * weekly[s][dow] * (1 + 0.25 * Math.sin((2 * Math.PI * doy) / 365)) * (price / basePrice[s]) ** -1.5 * Math.exp(shock[s]);
      const value = Math.max(0, mu + Math.sqrt(mu) * rng.normal());
      history[s][d] = value;
      y[r] = value;
      const h = history[s];
      const lag = (k: number) => (d - k >= 0 ? h[d - k] : Number.NaN);
      v[col('dow') + r] = dow;
      v[col('doy') + r] = doy;
      v[col('day_index') + r] = d;
      v[col('store_size') + r] = size[s];
      v[col('item_level') + r] = level[s];
      v[col('price') + r] = price;
      v[col('promo') + r] = promo;
      v[col('lag_1') + r] = lag(1);
      v[col('lag_7') + r] = lag(7);
      v[col('lag_14') + r] = lag(14);
      v[col('lag_28') + r] = lag(28);
      for (const [name, w] of [
        ['roll_mean_7', 7],
        ['roll_mean_28', 28],
      ] as const) {
        if (d < w) v[col(name) + r] = Number.NaN;
        else {
          let sum = 0;
          for (let k = 1; k <= w; k++) sum += h[d - k];
          v[col(name) + r] = sum / w;
        }
      }
      if (d < 7) v[col('roll_std_7') + r] = Number.NaN;
      else {
        let m = 0;
        let m2 = 0;
        for (let k = 1; k <= 7; k++) {
          const x = h[d - k];
          const delta = x - m;
          m += delta / k;
          m2 += delta * (x - m);
        }
        v[col('roll_std_7') + r] = Math.sqrt(m2 / 7);
      }
      for (let k = 0; k < noise; k++) v[(14 + k) * n + r] = rng.normal();
    }
  }
  return { X, y, dates, holdoutDays: 30, seasonalLagFeature: 'lag_7' };
}

/**
 * The demo retailer (ml/data/generator.ts, default options: 4 stores, ~250,000 item-store-days
 * over 760 days) through the real import and feature pipeline (fitted on all but the last 30
 * days); rows with an unknown target are dropped.
 */
function demoFeatureTable(): BenchDataset {
  const demo = generateRetailDemo({});
  const imported = importRetail(Object.entries(demo.files).map(([name, bytes]) => ({ name, bytes })));
  if (!imported.table) throw new Error(`demo import failed: ${JSON.stringify(imported.report.errors)}`);
  const table = imported.table;
  const pipeline = new FeaturePipeline().fit(table, { trainEnd: dateRange(table).last - 30 });
  const features = pipeline.transform(table);
  const keep: number[] = [];
  for (let i = 0; i < features.y.length; i++) if (Number.isFinite(features.y[i])) keep.push(i);
  return {
    X: selectRows(features.X, keep),
    y: Float64Array.from(keep, (i) => features.y[i]),
    dates: Int32Array.from(keep, (i) => features.rowDate[i]),
    holdoutDays: 30,
    seasonalLagFeature: 'lag_7',
  };
}

/** Datasets by name; add an entry to bench another table. */
export const DATASETS: Record<string, () => BenchDataset> = {
  demo_feature_table: demoFeatureTable,
  synthetic_200k_x40: () => syntheticTable(200, 1000),
};

interface ModelResult {
  fit_s: number;
  predict_rows_per_s: number | null;
  wape: number;
}

function seconds(start: number): number {
  return (performance.now() - start) / 1000;
}

/** Rows per second predicting the whole table, best of two runs (the first also warms the JIT). */
function predictRate(predict: (X: FeatureMatrix) => Float64Array, X: FeatureMatrix): number {
  let best = Number.POSITIVE_INFINITY;
  for (let k = 0; k < 2; k++) {
    const t = performance.now();
    predict(X);
    best = Math.min(best, seconds(t));
  }
  return X.rows / best;
}

/** p99 latency in ms of predictRow over up to 2000 rows, after a warm-up pass. */
function singleRowP99(predictRow: (row: Float64Array) => number, X: FeatureMatrix): number {
  const row = new Float64Array(X.cols);
  const count = Math.min(2000, X.rows);
  const times: number[] = [];
  for (let pass = 0; pass < 2; pass++) {
    for (let r = 0; r < count; r++) {
      for (let c = 0; c < X.cols; c++) row[c] = X.values[c * X.rows + r];
      const t = performance.now();
      predictRow(row);
      if (pass === 1) times.push(performance.now() - t);
    }
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(0.99 * (times.length - 1))];
}

function writeF64(file: string, a: Float64Array): void {
  writeFileSync(file, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

function runPython(dir: string): Record<string, ModelResult> {
  const script = path.join(__dirname, 'py', 'ml_bench.py');
  const res = spawnSync('/usr/bin/python3', [script, dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  if (res.status !== 0) throw new Error(`python bench failed with status ${res.status}`);
  const lines = res.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Record<string, ModelResult>;
}

function fmt(x: number | null, digits = 3): string {
  return x === null || !Number.isFinite(x) ? '-' : x.toFixed(digits);
}

function benchDataset(name: string, ds: BenchDataset, skipPython: boolean, kernels: TreeKernels | undefined): Record<string, ModelResult> {
  const split = chronologicalHoldout(ds.dates, { holdoutDays: ds.holdoutDays });
  const Xtr = selectRows(ds.X, split.train);
  const ytr = Float64Array.from(split.train, (i) => ds.y[i]);
  const Xte = selectRows(ds.X, split.test);
  const yte = Float64Array.from(split.test, (i) => ds.y[i]);
  console.log(`\n== ${name}: ${ds.X.rows} rows x ${ds.X.cols} cols, train ${Xtr.rows}, hold-out ${Xte.rows} (last ${ds.holdoutDays} days)`);
  const results: Record<string, ModelResult> = {};
  const latency: Record<string, number> = {};

  // Both boosters start from the same score, the training mean (ours by default; XGBoost 1.7
  // starts from 0.5 unless told). Starting from 0.5 instead changed the hold-out WAPE by 1.0%
  // (XGBoost) and 1.8% (ours) on the demo table, 0.3% / 0.9% on the synthetic one: more than the
  // 1% the targets compare, so the start must be the same for both.
  let baseScore = 0;
  for (let i = 0; i < ytr.length; i++) baseScore += (ytr[i] - baseScore) / (i + 1);
  let t = performance.now();
  const gbm = new GradientBoostingRegressor({
    nEstimators: PARAMS.trees,
    maxDepth: PARAMS.depth,
    learningRate: PARAMS.learningRate,
    maxBins: PARAMS.bins,
    lambda: PARAMS.lambda,
    minChildWeight: PARAMS.minChildWeight,
    baseScore,
    seed: PARAMS.seed,
  }, { kernels }).fit(Xtr, ytr);
  results.ours_gbm = { fit_s: seconds(t), predict_rows_per_s: predictRate((X) => gbm.predict(X), ds.X), wape: wape(yte, gbm.predict(Xte)) };
  latency.ours_gbm = singleRowP99((row) => gbm.predictRow(row), Xte);
  console.log('ours_gbm', results.ours_gbm, `p99 ${fmt(latency.ours_gbm, 4)} ms`);

  t = performance.now();
  const rf = new RandomForestRegressor({
    nEstimators: PARAMS.rfTrees,
    maxDepth: PARAMS.rfDepth,
    maxFeatures: PARAMS.rfMaxFeatures,
    maxBins: PARAMS.bins,
    seed: PARAMS.seed,
  }, { kernels }).fit(Xtr, ytr);
  results.ours_rf = { fit_s: seconds(t), predict_rows_per_s: predictRate((X) => rf.predict(X), ds.X), wape: wape(yte, rf.predict(Xte)) };
  latency.ours_rf = singleRowP99((row) => rf.predictRow(row), Xte);
  console.log('ours_rf', results.ours_rf, `p99 ${fmt(latency.ours_rf, 4)} ms`);

  t = performance.now();
  const ridge = new RidgeRegressor({ alpha: 1 }).fit(Xtr, ytr);
  results.ours_ridge = { fit_s: seconds(t), predict_rows_per_s: predictRate((X) => ridge.predict(X), ds.X), wape: wape(yte, ridge.predict(Xte)) };
  console.log('ours_ridge', results.ours_ridge);

  if (ds.seasonalLagFeature !== undefined) {
    t = performance.now();
    const naive = new SeasonalNaiveRegressor({ lagFeature: ds.seasonalLagFeature }).fit(Xtr, ytr);
    results.seasonal_naive = { fit_s: seconds(t), predict_rows_per_s: predictRate((X) => naive.predict(X), ds.X), wape: wape(yte, naive.predict(Xte)) };
    console.log('seasonal_naive', results.seasonal_naive);
  }

  if (!skipPython) {
    const dir = mkdtempSync(path.join(tmpdir(), 'foresight-ml-bench-'));
    try {
      writeF64(path.join(dir, 'X_train.f64'), Xtr.values);
      writeF64(path.join(dir, 'X_test.f64'), Xte.values);
      writeF64(path.join(dir, 'y_train.f64'), ytr);
      writeF64(path.join(dir, 'y_test.f64'), yte);
      writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({ cols: ds.X.cols, trainRows: Xtr.rows, testRows: Xte.rows, params: { ...PARAMS, baseScore } }));
      Object.assign(results, runPython(dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  console.log(`\n${'model'.padEnd(16)}${'fit s'.padStart(10)}${'predict rows/s'.padStart(16)}${'WAPE'.padStart(9)}${'p99 ms'.padStart(9)}`);
  for (const [model, r] of Object.entries(results)) {
    console.log(
      `${model.padEnd(16)}${fmt(r.fit_s).padStart(10)}${(r.predict_rows_per_s === null ? '-' : Math.round(r.predict_rows_per_s).toString()).padStart(16)}${fmt(r.wape, 4).padStart(9)}${(latency[model] === undefined ? '-' : fmt(latency[model], 4)).padStart(9)}`,
    );
  }
  const ratio = (a?: ModelResult, b?: ModelResult) => (a && b ? a.fit_s / b.fit_s : Number.NaN);
  const xgb = results.xgboost_hist;
  const skrf = results.sklearn_rf;
  if (xgb) {
    console.log(`\nours_gbm / xgboost_hist: fit time x${fmt(ratio(results.ours_gbm, xgb), 2)} (target <= 1.5),`,
      `predict rate x${fmt((results.ours_gbm.predict_rows_per_s ?? 0) / (xgb.predict_rows_per_s ?? 1), 2)} (target >= 1),`,
      `WAPE ${fmt((100 * (results.ours_gbm.wape - xgb.wape)) / xgb.wape, 2)}% relative (target within 1%)`);
  }
  if (skrf) {
    console.log(`sklearn_rf / ours_rf: fit speed-up x${fmt(ratio(skrf, results.ours_rf), 2)} (target >= 3),`,
      `WAPE ours ${fmt(results.ours_rf.wape, 4)} vs ${fmt(skrf.wape, 4)}`);
  }
  console.log(`single-row p99: gbm ${fmt(latency.ours_gbm, 4)} ms, rf ${fmt(latency.ours_rf, 4)} ms (target < 1 ms)`);
  return results;
}

function main(): void {
  const args = process.argv.slice(2);
  const flag = (name: string) => args.includes(`--${name}`);
  const value = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const quick = flag('quick');
  // Two threads, as XGBoost (nthread=2) and scikit-learn (n_jobs=2): batch prediction and the
  // histograms of large nodes (models are identical to single-threaded ones).
  // --single-thread measures one thread.
  const kernels = flag('single-thread') ? undefined : startTreeWorkers({ threads: 2 });
  const skipPython = flag('skip-python');
  const datasets: Record<string, () => BenchDataset> = quick ? { synthetic_quick: () => syntheticTable(20, 500) } : DATASETS;
  const only = value('dataset');
  const names = Object.keys(datasets).filter((n) => only === undefined || n === only);
  if (names.length === 0) throw new Error(`unknown dataset ${only}; have ${Object.keys(datasets).join(', ')}`);
  const out: Record<string, Record<string, ModelResult>> = {};
  for (const name of names) out[name] = benchDataset(name, datasets[name](), skipPython, kernels);
  kernels?.close();
  if (quick) return;
  const file = path.join(__dirname, 'results', 'ml.json');
  let previous: Record<string, Record<string, ModelResult>> = {};
  try {
    previous = JSON.parse(readFileSync(file, 'utf8')) as typeof previous;
  } catch {
    previous = {};
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ ...previous, ...out }, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
}

// Run only as a script, so profiling drivers can import DATASETS.
if (require.main === module) main();
