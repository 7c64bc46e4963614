/**
 * API and dashboard benchmark (issue 6), against the production build on loopback, in one run:
 *
 *   (a) GET /api/v1/forecast?store=..&horizon=30 from the cache: requests/s and p99
 *   (b) POST /api/v1/predict, one row, 50 connections: p95
 *   (c) POST /api/v1/predict/batch, 10,000 rows: end-to-end ms (median of several)
 *   (d) the Overview page `/` for a signed-in session: server response ms, and the time until its
 *       Plotly charts' SVG is in the DOM of Chromium (playwright-core)
 *
 * plus GET /api/v1/me (the API hot path alone: authentication, rate limit, metering, permission).
 * The GET phases use 10 connections (autocannon's default), the predict phase 50.
 *
 *   npm run bench:api [-- --duration 8] [--home DIR] [--only me,forecast,...] [--no-write]
 *
 * The store is a temporary FORESIGHT_HOME with the demo tenant seeded (data and its production
 * model), its rate limit raised through the platform admin's quota override so that the figures
 * are not 429s, and an API key. `--home DIR` reuses (or prepares once) a store and keeps it.
 * Seeding and training run first; then, holding the build lock (/tmp/foresight-build.lock, the
 * one the integration tests take, so nobody rebuilds .next under the server), the app is built
 * if its sources changed, `next start` serves on a free 127.0.0.1 port, and every figure is
 * measured with autocannon (bounded durations) or plain sequential requests. The server and the
 * temporary store are removed at the end. Writes bench/results/api.json unless --no-write or
 * --only is given.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { startLocalServer } from '../scripts/local-server';
import { CHROMIUM, CHROMIUM_FLAGS, ensureDebianTools } from '../scripts/debian-tools';

const root = path.resolve(__dirname, '..');
const LOCK = '/tmp/foresight-build.lock';
const PASSWORD = 'Bench-pass-2026';
/** GET phases: autocannon's default of 10 connections (the predict phase uses the 50 of issue 6). */
const READ_CONNECTIONS = 10;
const BENCH_RATE_LIMIT = 100_000_000;
const PHASES = ['me', 'forecast', 'predict', 'batch', 'overview'] as const;
type Phase = (typeof PHASES)[number];

interface Args {
  duration: number;
  home: string | undefined;
  only: Phase[] | undefined;
  write: boolean;
  measureHome: string | undefined;
}

function parseArgs(argv: string[]): Args {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  };
  const duration = Number(value('duration') ?? '8');
  if (!Number.isFinite(duration) || duration < 1 || duration > 60) throw new Error(`--duration must be 1 to 60 seconds, got ${value('duration')}`);
  const onlyRaw = value('only');
  const only = onlyRaw?.split(',').map((p) => p.trim()) as Phase[] | undefined;
  for (const p of only ?? []) if (!PHASES.includes(p)) throw new Error(`--only: unknown phase "${p}"; phases are ${PHASES.join(', ')}`);
  return { duration, home: value('home'), only, write: !argv.includes('--no-write') && !only, measureHome: value('measure') };
}

/** What the measuring step needs from the prepared store. */
interface Fixture {
  key: string;
  store: string;
  /** A real series and the first days after the data's end, for prediction rows. */
  series: { keys: Record<string, string> }[];
  forecastDates: string[];
  modelVersion: string;
}

// ---------------------------------------------------------------------------------------------
// Step 1 (no lock): the store.

async function prepareStore(home: string): Promise<Fixture> {
  process.env.FORESIGHT_HOME = home;
  process.env.BCRYPT_ROUNDS = '4';
  const fixtureFile = path.join(home, 'bench-fixture.json');
  if (fs.existsSync(fixtureFile)) {
    console.log(`store: reusing ${home}`);
    return JSON.parse(fs.readFileSync(fixtureFile, 'utf8')) as Fixture;
  }
  const t0 = performance.now();
  const { seedDemo, DEMO_TENANT_ID } = await import('@/lib/demo');
  const { productionVersion } = await import('@/lib/registry/store');
  const { getTenantOrThrow, setTenantQuotaOverrides } = await import('@/lib/tenants');
  const { createApiKey } = await import('@/lib/apikeys');
  const { loadTable } = await import('@/lib/datasets/store');
  console.log(`store: seeding the demo tenant (data and its production model) in ${home} …`);
  await seedDemo(PASSWORD);
  const production = await productionVersion(DEMO_TENANT_ID);
  if (!production) throw new Error('seedDemo left the demo without a production model');
  const tenant = await getTenantOrThrow(DEMO_TENANT_ID);
  // The platform admin's per-tenant override (Platform > Tenants), as an operator would set it for
  // a load test: with the default 1000 calls a minute the bench would measure 429s.
  await setTenantQuotaOverrides(DEMO_TENANT_ID, { ...tenant.quotaOverrides, rateLimitPerMinute: BENCH_RATE_LIMIT });
  const { secret } = await createApiKey(DEMO_TENANT_ID, { name: 'bench', role: 'analyst', createdBy: 'bench' });
  const loaded = await loadTable(DEMO_TENANT_ID);
  if (!loaded) throw new Error('the demo has no dataset');
  const { table } = loaded;
  const storeKey = table.keyNames.indexOf('store');
  const nSeries = table.seriesStart.length - 1;
  // Series that are active at the end of the data, spread over the table.
  const lastDay = table.day.reduce((a, b) => Math.max(a, b), 0);
  const series: Fixture['series'] = [];
  for (let s = 0; s < nSeries && series.length < 400; s++) {
    if (table.day[table.seriesStart[s + 1] - 1] !== lastDay) continue;
    const keys: Record<string, string> = {};
    table.keyNames.forEach((name, k) => (keys[name] = table.keyVocab[k][table.seriesKeys[k][s]]));
    series.push({ keys });
  }
  const forecastDates = Array.from({ length: 30 }, (_, i) => new Date((lastDay + 1 + i) * 86_400_000).toISOString().slice(0, 10));
  const fixture: Fixture = {
    key: secret,
    store: storeKey >= 0 ? table.keyVocab[storeKey][0] : '',
    series,
    forecastDates,
    modelVersion: production.id,
  };
  fs.writeFileSync(fixtureFile, JSON.stringify(fixture));
  console.log(`store: ready in ${((performance.now() - t0) / 1000).toFixed(0)} s (model ${fixture.modelVersion}, ${series.length} active series, store ${fixture.store})`);
  return fixture;
}

// ---------------------------------------------------------------------------------------------
// Step 2 (under the build lock): build, serve, measure.

/** CPU seconds the process has used (Linux /proc). */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
}

/**
 * Waits until the server is idle (under 5% of a core for 2 s in a row, at most `maxS`): the first
 * forecast loads the model and starts the background warm-up of every series (lib/forecast/service.ts
 * warmForecasts), which would otherwise share the CPU with the measured requests.
 */
async function waitForIdle(pid: number, maxS = 180): Promise<number> {
  const t0 = performance.now();
  let quiet = 0;
  let last = cpuSeconds(pid);
  while (quiet < 4 && performance.now() - t0 < maxS * 1000) {
    await new Promise((r) => setTimeout(r, 500));
    const now = cpuSeconds(pid);
    quiet = now - last < 0.025 ? quiet + 1 : 0;
    last = now;
  }
  return (performance.now() - t0) / 1000;
}

interface LoadFigures {
  requests: number;
  rps: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  non2xx: number;
  errors: number;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const median = (xs: readonly number[]): number => percentile([...xs].sort((a, b) => a - b), 50);

/** autocannon for `duration` seconds; latencies are collected per response (autocannon's own summary has no p95). */
async function load(url: string, opts: { connections: number; duration: number; method?: 'GET' | 'POST'; headers: Record<string, string>; body?: string }): Promise<LoadFigures> {
  const latencies: number[] = [];
  let ok = 0;
  const instance = autocannon({ url, connections: opts.connections, duration: opts.duration, method: opts.method ?? 'GET', headers: opts.headers, body: opts.body, timeout: 10 });
  instance.on('response', (_client, status, _bytes, ms) => {
    latencies.push(ms);
    if (status >= 200 && status < 300) ok++;
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    rps: ok / result.duration,
    p50_ms: percentile(latencies, 50),
    p95_ms: percentile(latencies, 95),
    p99_ms: percentile(latencies, 99),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** Fails loudly when an endpoint does not answer 2xx, so a figure is never the speed of an error. */
async function expectOk(res: Response, what: string): Promise<unknown> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text;
}

/** Signs in through next-auth's credentials endpoint (as tests/support/http.ts does); returns the cookie header. */
async function signIn(baseURL: string, email: string): Promise<{ header: string; cookies: { name: string; value: string }[] }> {
  const jar = new Map<string, string>();
  const merge = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
  };
  const header = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const csrfRes = await fetch(`${baseURL}/api/auth/csrf`);
  merge(csrfRes);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const res = await fetch(`${baseURL}/api/auth/callback/credentials`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: header() },
    body: new URLSearchParams({ csrfToken, email, password: PASSWORD, json: 'true' }),
    redirect: 'manual',
  });
  merge(res);
  await res.arrayBuffer();
  if (!jar.has('next-auth.session-token')) throw new Error(`sign-in of ${email} failed (HTTP ${res.status})`);
  return { header: header(), cookies: [...jar].map(([name, value]) => ({ name, value })) };
}

interface Results {
  me?: LoadFigures;
  forecast?: LoadFigures;
  predict?: LoadFigures;
  batch?: { runs_ms: number[]; ms: number; rows: number };
  overview?: { server_runs_ms: number[]; server_ms: number; charts_runs_ms: number[]; charts_ms: number; charts_warm_runs_ms: number[]; charts: number };
}

/** `n` prediction rows (lib/schemas/forecast.ts predictRowSchema) over the active series and the next days. */
function predictRows(f: Fixture, n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => {
    const { keys } = f.series[i % f.series.length];
    const date = f.forecastDates[Math.floor(i / f.series.length) % f.forecastDates.length];
    const names = Object.keys(keys).sort().join(',');
    return names === 'item,store' ? { store: keys.store, item: keys.item, date } : { keys, date };
  });
}

async function measure(home: string, args: Args): Promise<Results> {
  const { buildIfNeeded } = await import('../scripts/start');
  buildIfNeeded();
  const fixture = JSON.parse(fs.readFileSync(path.join(home, 'bench-fixture.json'), 'utf8')) as Fixture;
  const { server, baseURL, logFile } = await startLocalServer(home);
  const auth = { Authorization: `Bearer ${fixture.key}` };
  const json = { ...auth, 'Content-Type': 'application/json' };
  const wants = (p: Phase) => !args.only || args.only.includes(p);
  const out: Results = {};
  const d = args.duration;
  try {
    console.log(`server: ${baseURL} (log ${logFile}); ${d} s per load phase, 2 s warm-up each`);
    if (wants('me')) {
      await expectOk(await fetch(`${baseURL}/api/v1/me`, { headers: auth }), 'GET /api/v1/me');
      await load(`${baseURL}/api/v1/me`, { connections: READ_CONNECTIONS, duration: 2, headers: auth });
      out.me = await load(`${baseURL}/api/v1/me`, { connections: READ_CONNECTIONS, duration: d, headers: auth });
    }
    if (wants('forecast')) {
      const url = `${baseURL}/api/v1/forecast?store=${encodeURIComponent(fixture.store)}&horizon=30`;
      await expectOk(await fetch(url, { headers: auth }), 'GET /api/v1/forecast (warming the cache)');
      console.log(`forecast: model loaded; the server's background warm-up took ${(await waitForIdle(server.pid as number)).toFixed(0)} s to finish`);
      await load(url, { connections: READ_CONNECTIONS, duration: 2, headers: auth });
      out.forecast = await load(url, { connections: READ_CONNECTIONS, duration: d, headers: auth });
    }
    if (wants('predict')) {
      const url = `${baseURL}/api/v1/predict`;
      const body = JSON.stringify(predictRows(fixture, 1)[0]);
      await expectOk(await fetch(url, { method: 'POST', headers: json, body }), 'POST /api/v1/predict');
      await load(url, { connections: 50, duration: 2, method: 'POST', headers: json, body });
      out.predict = await load(url, { connections: 50, duration: d, method: 'POST', headers: json, body });
    }
    if (wants('batch')) {
      const url = `${baseURL}/api/v1/predict/batch`;
      const rows = 10_000;
      const body = JSON.stringify({ rows: predictRows(fixture, rows) });
      const runs: number[] = [];
      for (let i = 0; i < 8; i++) {
        const t0 = performance.now();
        const res = (await expectOk(await fetch(url, { method: 'POST', headers: json, body }), 'POST /api/v1/predict/batch')) as { predictions?: unknown[] };
        const ms = performance.now() - t0;
        if (!Array.isArray(res.predictions) || res.predictions.length !== rows) throw new Error(`predict/batch answered ${Array.isArray(res.predictions) ? res.predictions.length : 'no'} predictions for ${rows} rows`);
        if (i > 0) runs.push(ms); // the first run warms the model and the JIT
      }
      out.batch = { runs_ms: runs, ms: median(runs), rows };
    }
    if (wants('overview')) out.overview = await measureOverview(baseURL);
  } finally {
    server.kill('SIGTERM');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        server.kill('SIGKILL');
        resolve();
      }, 5_000);
      server.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  return out;
}

async function measureOverview(baseURL: string): Promise<NonNullable<Results['overview']>> {
  const session = await signIn(baseURL, 'analyst@demo.test');
  // Server: the whole HTML document of `/` for a signed-in session (first byte to last).
  const serverRuns: number[] = [];
  for (let i = 0; i < 13; i++) {
    const t0 = performance.now();
    await expectOk(await fetch(`${baseURL}/`, { headers: { Cookie: session.header }, redirect: 'manual' }), 'GET / (Overview)');
    if (i >= 3) serverRuns.push(performance.now() - t0);
  }
  // Browser: navigation start to every Plotly chart of the page drawn (its SVG in the DOM), each
  // run in a fresh context (empty browser cache: Plotly's bundle is fetched every time).
  const { chromium } = await import('playwright-core');
  ensureDebianTools();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
  const chartRuns: number[] = [];
  const warmRuns: number[] = []; // the same page again in the same context: Plotly from the browser cache
  let charts = 0;
  try {
    for (let i = 0; i < 4; i++) {
      const context = await browser.newContext({ baseURL, viewport: { width: 1366, height: 900 } });
      await context.addCookies(session.cookies.map((c) => ({ ...c, url: baseURL })));
      const page = await context.newPage();
      const drawnAfterNavigation = async (): Promise<{ ms: number; charts: number }> => {
        await page.goto('/', { waitUntil: 'commit' });
        const drawn = await page.waitForFunction(
          () => {
            const plots = [...document.querySelectorAll('[data-testid="plot"]')];
            if (plots.length === 0 || !plots.every((p) => p.querySelector('svg.main-svg'))) return null;
            return { ms: performance.now(), charts: plots.length };
          },
          undefined,
          { timeout: 30_000, polling: 'raf' },
        );
        return (await drawn.jsonValue()) as { ms: number; charts: number };
      };
      const r = await drawnAfterNavigation();
      charts = r.charts;
      if (i > 0) chartRuns.push(r.ms); // the first run warms the server's page and chunk caches
      if (i === 3) warmRuns.push((await drawnAfterNavigation()).ms, (await drawnAfterNavigation()).ms);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return { server_runs_ms: serverRuns, server_ms: median(serverRuns), charts_runs_ms: chartRuns, charts_ms: median(chartRuns), charts_warm_runs_ms: warmRuns, charts };
}

// ---------------------------------------------------------------------------------------------
// Report.

const r1 = (x: number) => Math.round(x * 10) / 10;

function report(res: Results, args: Args): void {
  type Row = [string, string, string, boolean | null];
  const rows: Row[] = [];
  const fmt = (x: number, unit: string) => `${x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1)} ${unit}`;
  if (res.me) {
    rows.push(['GET /me (hot path) req/s', fmt(res.me.rps, 'req/s'), '-', null]);
    rows.push(['GET /me p50 / p99', `${fmt(res.me.p50_ms, 'ms')} / ${fmt(res.me.p99_ms, 'ms')}`, '-', null]);
  }
  if (res.forecast) {
    rows.push(['GET /forecast cached req/s', fmt(res.forecast.rps, 'req/s'), '>= 2,000', res.forecast.rps >= 2000]);
    rows.push(['GET /forecast cached p99', fmt(res.forecast.p99_ms, 'ms'), '< 50 ms', res.forecast.p99_ms < 50]);
  }
  if (res.predict) rows.push(['POST /predict 1 row p95 (50 conn.)', fmt(res.predict.p95_ms, 'ms'), '< 20 ms', res.predict.p95_ms < 20]);
  if (res.batch) rows.push(['POST /predict/batch 10k rows', fmt(res.batch.ms, 'ms'), '< 300 ms', res.batch.ms < 300]);
  if (res.overview) {
    rows.push(['Overview server response', fmt(res.overview.server_ms, 'ms'), '< 300 ms', res.overview.server_ms < 300]);
    rows.push([`Overview charts drawn (${res.overview.charts}), cold cache`, fmt(res.overview.charts_ms, 'ms'), '< 2,000 ms', res.overview.charts_ms < 2000]);
    rows.push(['Overview charts drawn, warm cache', fmt(median(res.overview.charts_warm_runs_ms), 'ms'), '-', null]);
  }
  const w = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length)), 10];
  console.log(`\n${'figure'.padEnd(w[0])}  ${'measured'.padStart(w[1])}  ${'target'.padEnd(w[2])}  result`);
  for (const [name, value, target, met] of rows) console.log(`${name.padEnd(w[0])}  ${value.padStart(w[1])}  ${target.padEnd(w[2])}  ${met === null ? '' : met ? 'met' : 'MISSED'}`);
  for (const [name, f] of [['me', res.me], ['forecast', res.forecast], ['predict', res.predict]] as const) {
    if (f) console.log(`${name}: ${f.requests} responses, ${f.non2xx} non-2xx, ${f.errors} errors/timeouts, p50 ${f.p50_ms.toFixed(2)} p95 ${f.p95_ms.toFixed(2)} p99 ${f.p99_ms.toFixed(2)} ms`);
  }
  if (res.batch) console.log(`batch runs (ms): ${res.batch.runs_ms.map((x) => x.toFixed(0)).join(', ')}`);
  if (res.overview) console.log(`overview server runs (ms): ${res.overview.server_runs_ms.map((x) => x.toFixed(0)).join(', ')}; charts runs, empty browser cache (ms): ${res.overview.charts_runs_ms.map((x) => x.toFixed(0)).join(', ')}; again with Plotly cached (ms): ${res.overview.charts_warm_runs_ms.map((x) => x.toFixed(0)).join(', ')}`);
  for (const f of [res.me, res.forecast, res.predict]) if (f && (f.non2xx > 0 || f.errors > 0)) throw new Error('some responses were not 2xx: the figures above are not valid');
  if (!args.write) return;
  const missing = (['forecast', 'predict', 'batch', 'overview'] as const).filter((k) => !res[k]);
  if (missing.length > 0) throw new Error(`not written: ${missing.join(', ')} missing`);
  const result = {
    forecast_cached: { rps: Math.round(res.forecast?.rps ?? 0), p99_ms: r1(res.forecast?.p99_ms ?? 0) },
    predict_one: { p95_ms: r1(res.predict?.p95_ms ?? 0) },
    predict_batch_10k: { ms: r1(res.batch?.ms ?? 0) },
    overview: { server_ms: r1(res.overview?.server_ms ?? 0), charts_ms: r1(res.overview?.charts_ms ?? 0) },
  };
  const file = path.join(root, 'bench/results/api.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote bench/results/api.json ${JSON.stringify(result)}`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.measureHome) {
    const res = await measure(args.measureHome, args);
    fs.writeFileSync(path.join(args.measureHome, 'bench-results.json'), JSON.stringify(res));
    return;
  }
  const home = args.home ? path.resolve(args.home) : fs.mkdtempSync(path.join(os.tmpdir(), 'foresight-bench-api-'));
  fs.mkdirSync(home, { recursive: true });
  try {
    await prepareStore(home);
    // The measuring step in a child that holds the build lock for its whole life.
    console.log(`waiting for the build lock ${LOCK} …`);
    const passOn = process.argv.slice(2).filter((a, i, all) => a !== '--home' && all[i - 1] !== '--home' && !a.startsWith('--home='));
    const child = spawnSync('flock', [LOCK, process.execPath, '--import', 'tsx', path.join(root, 'bench/api.ts'), ...passOn, '--measure', home], { cwd: root, stdio: 'inherit', env: process.env });
    if (child.status !== 0) throw new Error(`the measuring step failed (exit ${child.status ?? child.signal})`);
    report(JSON.parse(fs.readFileSync(path.join(home, 'bench-results.json'), 'utf8')) as Results, args);
  } finally {
    if (!args.home) fs.rmSync(home, { recursive: true, force: true });
  }
}

void main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
