/**
 * In-process serving benchmark: what lib/forecast/service.ts costs without HTTP, on the seeded
 * demo (its production model), in one run:
 *
 *   model load · one series 90 days cold · the total 30 days cold · the background warm-up ·
 *   a cached forecast · one prediction (future day, history day) · a 10,000-row batch of future
 *   days · a batch of history days (every active series on 20 past days)
 *
 *   npm run bench:serving [-- --home DIR] [--no-write]
 *
 * The store is a temporary FORESIGHT_HOME with the demo seeded (data and its production model);
 * `--home DIR` prepares one once and reuses it. Run with `--conditions=react-server` (the npm
 * script does) so the service's 'server-only' guard resolves to its server build, as in Next.js.
 * Prints the figures and writes bench/results/serving.json unless --no-write.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Runs `fn` `n` times (after `warm` untimed runs); per-call ms, sorted. */
async function timed(n: number, warm: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warm; i++) await fn(i);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b);
}

async function once(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const home = arg('home') ? path.resolve(arg('home') as string) : fs.mkdtempSync(path.join(os.tmpdir(), 'foresight-bench-serving-'));
  const write = !process.argv.includes('--no-write');
  process.env.FORESIGHT_HOME = home;
  process.env.BCRYPT_ROUNDS = '4';
  try {
    const { seedDemo, DEMO_TENANT_ID: tenant } = await import('@/lib/demo');
    const { loadTable } = await import('@/lib/datasets/store');
    const t0 = performance.now();
    const seeded = await seedDemo('Bench-pass-2026');
    if (seeded.created) console.log(`store: demo seeded in ${home} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    else console.log(`store: reusing ${home}`);
    const loaded = await loadTable(tenant);
    if (!loaded) throw new Error('the demo has no dataset');
    const { table } = loaded;
    const lastDay = table.day.reduce((a, b) => Math.max(a, b), 0);
    const iso = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);
    const storeK = table.keyNames.indexOf('store');
    const itemK = table.keyNames.indexOf('item');
    const active: { store: string; item: string }[] = [];
    for (let s = 0; s < table.seriesStart.length - 1; s++) {
      if (table.day[table.seriesStart[s + 1] - 1] !== lastDay) continue;
      active.push({ store: table.keyVocab[storeK][table.seriesKeys[storeK][s]], item: table.keyVocab[itemK][table.seriesKeys[itemK][s]] });
    }
    // A fresh module graph per measurement would not be "cold" either: cold here means nothing of
    // that selection was computed before in this process.
    const { getSelectionForecast, predict, warmForecasts } = await import('@/lib/forecast/service');
    const future = (i: number) => ({ keys: active[i % active.length], date: iso(lastDay + 1 + (Math.floor(i / active.length) % 30)) });
    const history = (i: number) => ({ keys: active[i % active.length], date: iso(lastDay - 3 * (Math.floor(i / active.length) % 20)) });

    const load = await once(() => predict(tenant, [future(0)]));
    const seriesCold = await timed(5, 0, (i) => getSelectionForecast(tenant, { ...active[10 + i], horizon: 90 }));
    const totalCold = await once(() => getSelectionForecast(tenant, { horizon: 30 }));
    const warm = await once(() => warmForecasts(tenant));
    const cached = await timed(5000, 200, () => getSelectionForecast(tenant, { store: active[0].store, horizon: 30 }));
    const one = await timed(2000, 200, (i) => predict(tenant, [future(i)]));
    const oneHistory = await timed(2000, 200, (i) => predict(tenant, [history(i)]));
    const batchRows = Array.from({ length: 10_000 }, (_, i) => future(i));
    const batch = await timed(5, 1, () => predict(tenant, batchRows));
    const historyRows = Array.from({ length: active.length * 20 }, (_, i) => history(i));
    const historyBatch = await timed(5, 1, () => predict(tenant, historyRows));

    const result = {
      series_active: active.length,
      model_load_ms: load,
      series_90d_cold_ms: percentile(seriesCold, 50),
      total_30d_cold_ms: totalCold,
      warm_up_ms: warm,
      cached_forecast: { p50_ms: percentile(cached, 50), p99_ms: percentile(cached, 99) },
      predict_one_future: { p50_ms: percentile(one, 50), p95_ms: percentile(one, 95), p99_ms: percentile(one, 99) },
      predict_one_history: { p50_ms: percentile(oneHistory, 50), p95_ms: percentile(oneHistory, 95), p99_ms: percentile(oneHistory, 99) },
      predict_batch_10k_future: { rows: batchRows.length, ms: percentile(batch, 50) },
      predict_batch_history: { rows: historyRows.length, days: 20, ms: percentile(historyBatch, 50) },
    };
    const f = (x: number) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(x >= 10 ? 1 : 3));
    const rows: [string, string][] = [
      ['model load (first prediction)', `${f(result.model_load_ms)} ms`],
      ['one series, 90 days, cold (median of 5)', `${f(result.series_90d_cold_ms)} ms`],
      [`the total (${active.length} series), 30 days, cold`, `${f(result.total_30d_cold_ms)} ms`],
      ['warm-up (every series 90 days, total, top products)', `${f(result.warm_up_ms)} ms`],
      ['cached forecast p50 / p99', `${f(result.cached_forecast.p50_ms)} / ${f(result.cached_forecast.p99_ms)} ms`],
      ['predict 1 future row p50 / p95 / p99', `${f(result.predict_one_future.p50_ms)} / ${f(result.predict_one_future.p95_ms)} / ${f(result.predict_one_future.p99_ms)} ms`],
      ['predict 1 history row p50 / p95 / p99', `${f(result.predict_one_history.p50_ms)} / ${f(result.predict_one_history.p95_ms)} / ${f(result.predict_one_history.p99_ms)} ms`],
      ['predict 10,000 future rows (median of 5)', `${f(result.predict_batch_10k_future.ms)} ms`],
      [`predict ${historyRows.length.toLocaleString('en-US')} history rows over 20 days (median of 5)`, `${f(result.predict_batch_history.ms)} ms`],
    ];
    const w = Math.max(...rows.map((r) => r[0].length));
    console.log('');
    for (const [name, value] of rows) console.log(`${name.padEnd(w)}  ${value}`);
    if (write) {
      const file = path.join(root, 'bench/results/serving.json');
      fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
      console.log('\nwrote bench/results/serving.json');
    }
  } finally {
    if (!arg('home')) fs.rmSync(home, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exit(1);
  },
);
