/**
 * Ingest benchmark (issue 3): the default demo from its 8 CSV files to the feature table, ours
 * beside pandas in the same run.
 *
 *   npx tsx bench/ingest.ts [--scale 1] [--runs 3] [--keep DIR]
 *
 * The files are written to a temp directory first (not timed). Each side then runs in its own
 * process and times its own read + validate + merge + features, from the first byte read to the
 * finished float64 feature matrix (interpreter start-up and imports excluded on both sides);
 * peak memory is that process's maximum resident set size. Our side runs as plain JavaScript
 * bundled by esbuild (installed with tsx), as production code would, so the peak does not include
 * the TypeScript loader (about 25 MB more); without esbuild it falls back to `node --import tsx`
 * and says so. Writes bench/results/ingest.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeRetailDemo } from '@/lib/ingest/demo';
import { importRetail } from '@/lib/ingest/retail';
import { RETAIL_FILE_NAMES } from '@/lib/schemas/ingest';
import { FeaturePipeline } from '@/ml/features/pipeline';

interface SideResult {
  seconds: number;
  rows: number;
  cols: number;
  peak_mb: number;
  /** NaN-skipping column sums, to check that both sides computed the same table. */
  checks: Record<string, number>;
}

const CHECKED = ['lag_7', 'lag_364', 'roll_mean_28', 'roll_std_7', 'expanding_mean', 'price', 'price_rel_28', 'promo_depth', 'online_share_7', 'listed', 'days_to_holiday', 'item_target_enc'];

/** The timed part of our side, run in a child process so its peak RSS is its own. */
function runOurs(dir: string): SideResult {
  const t0 = performance.now();
  const files = RETAIL_FILE_NAMES.map((name) => ({ name, bytes: new Uint8Array(readFileSync(path.join(dir, name))) }));
  const imported = importRetail(files);
  if (!imported.table) throw new Error(`import failed: ${JSON.stringify(imported.report.errors.slice(0, 5))}`);
  const pipe = new FeaturePipeline().fit(imported.table, { trainEnd: '2023-12-31' });
  const features = pipe.transform(imported.table);
  const seconds = (performance.now() - t0) / 1000;
  const { X } = features;
  const checks: Record<string, number> = { y: nanSum(features.y) };
  for (const c of CHECKED) checks[c] = nanSum(X.values.subarray(X.names.indexOf(c) * X.rows, (X.names.indexOf(c) + 1) * X.rows));
  return { seconds, rows: X.rows, cols: X.cols, peak_mb: process.resourceUsage().maxRSS / 1024, checks };
}

function nanSum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) if (!Number.isNaN(a[i])) s += a[i];
  return s;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const runDir = arg('--run');
  if (runDir) {
    process.stdout.write(`${JSON.stringify(runOurs(runDir))}\n`);
    return;
  }
  const scale = Number(arg('--scale') ?? '1');
  const keep = arg('--keep');
  const dir = keep ?? mkdtempSync(path.join(os.tmpdir(), 'foresight-bench-ingest-'));
  const root = path.resolve(__dirname, '..');
  try {
    const { groundTruth } = await writeRetailDemo(dir, { scale });
    console.log(`demo: scale ${scale}, ${groundTruth.items} items, ${groundTruth.startDate}..${groundTruth.endDate}, files in ${dir}`);
    const bundle = await bundleSelf(root, dir);
    const oursArgs = bundle ? [bundle, '--run', dir] : ['--import', 'tsx', path.join(root, 'bench/ingest.ts'), '--run', dir];
    console.log(`ours runs ${bundle ? 'bundled by esbuild' : 'through the tsx loader (esbuild not found)'}`);
    // Best of `--runs` (default 3), alternating the sides: the machine is shared, and the minimum
    // is the least disturbed measurement of each.
    const runs = Number(arg('--runs') ?? '3');
    const oursRuns: SideResult[] = [];
    const pandasRuns: SideResult[] = [];
    for (let i = 0; i < runs; i++) {
      oursRuns.push(JSON.parse(execFileSync(process.execPath, oursArgs, { cwd: root, encoding: 'utf8' })) as SideResult);
      pandasRuns.push(JSON.parse(execFileSync('/usr/bin/python3', [path.join(root, 'bench/py/ingest.py'), dir], { encoding: 'utf8' })) as SideResult);
    }
    const best = (rs: SideResult[]): SideResult => rs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const ours = { ...best(oursRuns), peak_mb: Math.max(...oursRuns.map((r) => r.peak_mb)) };
    const pandas = { ...best(pandasRuns), peak_mb: Math.max(...pandasRuns.map((r) => r.peak_mb)) };
    console.log(`runs: ours ${oursRuns.map((r) => r.seconds.toFixed(2)).join(', ')} s; pandas ${pandasRuns.map((r) => r.seconds.toFixed(2)).join(', ')} s (best of ${runs} kept, peak = max)`);
    const ratio = ours.seconds / pandas.seconds;
    const differ = Object.keys(ours.checks).filter((k) => !(Math.abs(ours.checks[k] - pandas.checks[k]) <= 1e-6 * Math.max(1, Math.abs(ours.checks[k]))));
    console.log(differ.length === 0 ? `same table: ${Object.keys(ours.checks).length} column sums agree` : `column sums differ: ${differ.map((k) => `${k} ${ours.checks[k]} vs ${pandas.checks[k]}`).join('; ')}`);
    const row = (name: string, r: SideResult): string =>
      `${name.padEnd(8)} ${r.seconds.toFixed(2).padStart(7)} s ${Math.round(r.rows / r.seconds).toLocaleString('en-US').padStart(12)} rows/s ${r.peak_mb.toFixed(0).padStart(6)} MB peak  ${r.rows} x ${r.cols}`;
    console.log(row('ours', ours));
    console.log(row('pandas', pandas));
    console.log(`ratio ours/pandas: ${ratio.toFixed(2)} (target <= 1.0), peak ${ours.peak_mb.toFixed(0)} MB (target < 300 MB)`);
    const out = path.join(root, 'bench/results');
    mkdirSync(out, { recursive: true });
    const result = { rows: ours.rows, ours_s: round(ours.seconds), pandas_s: round(pandas.seconds), peak_mb: round(ours.peak_mb) };
    writeFileSync(path.join(out, 'ingest.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote bench/results/ingest.json ${JSON.stringify(result)}`);
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** Bundles this file to plain JavaScript in `dir`; null when esbuild is not installed. */
async function bundleSelf(root: string, dir: string): Promise<string | null> {
  try {
    const esbuild = await import('esbuild');
    const outfile = path.join(dir, 'bench-ingest.cjs');
    await esbuild.build({
      entryPoints: [path.join(root, 'bench/ingest.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile,
      logLevel: 'warning',
      tsconfig: path.join(root, 'tsconfig.json'),
      external: ['esbuild'],
    });
    return outfile;
  } catch {
    return null;
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
