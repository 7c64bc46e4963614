/**
 * End-to-end training benchmark (`npm run bench:train`, issue 14): the product's whole training
 * run (trainOnTable on two training threads: features, validation fit and forecast, hold-out fit
 * and forecast, calibration backtests, intervals, final refit) on the demo retailer and on Walmart,
 * beside the same protocol in pandas + XGBoost hist (nthread=2) under /usr/bin/python3
 * (bench/py/train_pipeline.py through bench/train-python.ts) on the same table with the same
 * features. Prints both with the stage breakdown and writes bench/results/train.json as
 * `{ <dataset>: { ours: { total_s, wape, model, coverage_p80, coverage_p95, stages, models },
 * python_xgboost: { total_s, wape, coverage_p80, coverage_p95, stages } } }`.
 *
 *   npm run bench:train                          # both data sets, boosting only (the timed path)
 *   npm run bench:train -- --dataset=walmart
 *   npm run bench:train -- --algorithms=gbm,rf,ridge,ensemble   # every model, per-model WAPE
 *   npm run bench:train -- --no-write --skip-python
 *
 * Needs Debian's python3-pandas and python3-xgboost for the Python side.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { importGeneric } from '../lib/ingest/generic';
import { importRetail } from '../lib/ingest/retail';
import { generateRetailDemo } from '../ml/data/generator';
import type { DailyTable, PlannedEvent } from '../ml/data/table';
import { RUSSIAN_HOLIDAYS, US_RETAIL_HOLIDAYS, type HolidaySpec } from '../ml/features/holidays';
import { featuresStage, planTraining, trainOnTable, type Algorithm, type TrainingStageName } from '../ml/training';
import { startTreeWorkers } from '../ml/trees/pool';
import { pythonTrainInput, runPythonTrain, type PythonTrainResult } from './train-python';

const root = path.resolve(__dirname, '..');
const SEED = 42;

interface Dataset {
  table: DailyTable;
  planned: PlannedEvent[];
  holidays: HolidaySpec;
  fingerprint: string;
}

const DATASETS: Record<string, () => Dataset> = {
  demo: () => {
    const demo = generateRetailDemo({});
    const res = importRetail(Object.entries(demo.files).map(([name, bytes]) => ({ name, bytes })));
    if (!res.table) throw new Error(`demo import failed: ${JSON.stringify(res.report.errors).slice(0, 500)}`);
    return { table: res.table, planned: res.plannedPromotions, holidays: RUSSIAN_HOLIDAYS, fingerprint: res.fingerprint };
  },
  walmart: () => {
    const file = path.join(root, 'tests', 'fixtures', 'walmart', 'Walmart.csv');
    const res = importGeneric(
      { name: 'Walmart.csv', bytes: new Uint8Array(readFileSync(file)) },
      { date: 'Date', target: 'Weekly_Sales', keys: { store: 'Store' }, numeric: ['Holiday_Flag', 'Temperature', 'Fuel_Price', 'CPI', 'Unemployment'] } as Parameters<typeof importGeneric>[1],
    );
    if (!res.table) throw new Error('Walmart import failed');
    return { table: res.table, planned: [], holidays: US_RETAIL_HOLIDAYS, fingerprint: res.fingerprint };
  },
};

interface Ours {
  total_s: number;
  wape: number;
  model: string;
  coverage_p80: number;
  coverage_p95: number;
  stages: Partial<Record<TrainingStageName, number>>;
  models: Record<string, { wape: number; validation_wape: number }>;
  seasonal_naive_wape: number;
}

async function runOurs(ds: Dataset, algorithms: Algorithm[]): Promise<Ours> {
  const kernels = startTreeWorkers({ threads: 2 });
  try {
    const stages: Partial<Record<TrainingStageName, number>> = {};
    let stage: TrainingStageName = 'features';
    let since = performance.now();
    const started = since;
    const run = await trainOnTable(
      { table: ds.table, planned: ds.planned, holidays: ds.holidays, datasetFingerprint: ds.fingerprint },
      { algorithms, seed: SEED, kernels },
      // A report ends the step that was running: its time goes to the stage of the report.
      (_done, _total, _message, s) => {
        const now = performance.now();
        const at = s ?? stage;
        stages[at] = (stages[at] ?? 0) + (now - since) / 1000;
        stage = at;
        since = now;
      },
    );
    const total = (performance.now() - started) / 1000;
    return {
      total_s: total,
      wape: run.models[run.best].wape,
      model: run.best,
      coverage_p80: run.coverage.p80,
      coverage_p95: run.coverage.p95,
      stages,
      models: Object.fromEntries(Object.entries(run.models).map(([k, m]) => [k, { wape: m.wape, validation_wape: m.validationWape }])),
      seasonal_naive_wape: run.baselines.seasonal_naive.wape,
    };
  } finally {
    kernels.close();
  }
}

async function runPython(ds: Dataset): Promise<PythonTrainResult> {
  const plan = planTraining({ table: ds.table, planned: ds.planned, holidays: ds.holidays, datasetFingerprint: ds.fingerprint }, { algorithms: ['gbm'], seed: SEED });
  const noReport = { step: async () => {}, count: () => {}, settle: async () => {} };
  const features = await featuresStage(plan, noReport);
  return runPythonTrain(pythonTrainInput(plan, features.params.gbm, features.pipeline.featureNames));
}

const f = (v: number, d = 4): string => (Number.isFinite(v) ? v.toFixed(d) : '-');

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const names = (arg('dataset') ?? 'demo,walmart').split(',');
  for (const n of names) if (!(n in DATASETS)) throw new Error(`unknown dataset ${n} (known: ${Object.keys(DATASETS).join(', ')})`);
  const algorithms = (arg('algorithms') ?? 'gbm').split(',') as Algorithm[];
  const out: Record<string, { ours: Ours; python_xgboost: PythonTrainResult | null }> = {};
  for (const name of names) {
    const ds = DATASETS[name]();
    console.log(`\n== ${name}: ${ds.table.rows.toLocaleString('en')} rows, ${ds.table.seriesStart.length - 1} series, ${ds.table.frequency}; ours: ${algorithms.join(', ')}`);
    const ours = await runOurs(ds, algorithms);
    const py = args.includes('--skip-python') ? null : await runPython(ds);
    out[name] = { ours, python_xgboost: py };
    console.log(`ours            total ${f(ours.total_s, 1)} s  WAPE ${f(ours.wape)} (${ours.model})  coverage ${f(ours.coverage_p80, 3)} / ${f(ours.coverage_p95, 3)}  seasonal naive ${f(ours.seasonal_naive_wape)}`);
    console.log(`  stages        ${Object.entries(ours.stages).map(([k, v]) => `${k} ${f(v, 1)}`).join('  ')}`);
    for (const [m, v] of Object.entries(ours.models)) console.log(`  ${m.padEnd(14)}hold-out WAPE ${f(v.wape)}  validation WAPE ${f(v.validation_wape)}`);
    if (py) {
      console.log(`python xgboost  total ${f(py.total_s, 1)} s  WAPE ${f(py.wape)}  coverage ${f(py.coverage_p80, 3)} / ${f(py.coverage_p95, 3)}  (${py.trees} trees, ${py.features} features)`);
      console.log(`  stages        ${Object.entries(py.stages).map(([k, v]) => `${k} ${f(v, 1)}`).join('  ')}`);
      console.log(`ratio           time ${f(ours.total_s / py.total_s, 2)}x  WAPE ${f(ours.wape / py.wape, 3)}x  (targets: <= 1.0x, <= 0.97x)`);
    }
  }
  if (!args.includes('--no-write')) {
    const file = path.join(root, 'bench', 'results', 'train.json');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify({ generated_at: new Date().toISOString(), algorithms, ...out }, null, 2)}\n`);
    console.log(`\nwrote ${path.relative(root, file)}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
