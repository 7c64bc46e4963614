/**
 * `npm start`: build when the sources changed since the last build, create the demo tenant with
 * its generated data and its first trained model on an empty store, then serve the production
 * build on $PORT (default 3000).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
// Raw fs, not lib/storage: the build stamp and the source tree, not stored state.
import fs from 'node:fs';
import path from 'node:path';
import { seedDemo, storeIsEmpty } from '../lib/demo';
import { foresightHome } from '../lib/config';
import { progressBar } from '../lib/cli/progress';

const root = path.resolve(__dirname, '..');
const SOURCE_DIRS = ['app', 'lib', 'ml', 'components', 'public'];
const SOURCE_FILES = ['proxy.ts', 'instrumentation.ts', 'next.config.ts', 'package-lock.json', 'tsconfig.json'];
const stampFile = path.join(root, '.next', 'foresight-source.sha256');

/** A hash of every source file's path, size and modification time. */
export function sourceFingerprint(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else {
        const s = fs.statSync(full);
        hash.update(`${path.relative(root, full)}:${s.size}:${s.mtimeMs}\n`);
      }
    }
  };
  for (const d of SOURCE_DIRS) walk(path.join(root, d));
  for (const f of SOURCE_FILES) {
    try {
      const s = fs.statSync(path.join(root, f));
      hash.update(`${f}:${s.size}:${s.mtimeMs}\n`);
    } catch {
      // optional file
    }
  }
  return hash.digest('hex');
}

function nextBin(): string {
  return path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
}

export function buildIfNeeded(): void {
  const fingerprint = sourceFingerprint();
  const built = fs.existsSync(path.join(root, '.next', 'BUILD_ID')) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === fingerprint;
  if (built) return;
  console.log('Building the app (first start or sources changed)…');
  const result = spawnSync(process.execPath, [nextBin(), 'build'], { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (result.status !== 0) {
    console.error('The build failed; see the messages above.');
    process.exit(result.status ?? 1);
  }
  fs.writeFileSync(stampFile, fingerprint);
}

async function main(): Promise<void> {
  const port = process.env.PORT || '3000';
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    console.error(`PORT must be a number from 1 to 65535, got "${port}".`);
    process.exit(2);
  }
  if (process.argv.includes('--build-only')) {
    buildIfNeeded();
    return;
  }
  buildIfNeeded();
  if (await storeIsEmpty()) {
    console.log(`Empty store at ${foresightHome()}: creating the demo tenant, its data and its first model…`);
    const bar = progressBar('demo model');
    const seeded = await seedDemo(undefined, {}, { train: true, progress: (d, t, m) => bar.update(d, t, m) });
    console.log(`Demo accounts: ${seeded.accounts.join(', ')}`);
    if (seeded.data?.status === 'imported') console.log(`Demo data: ${seeded.data.rows.toLocaleString('en')} rows to ${seeded.data.dateRange?.last ?? '?'}; the last days came as a second import, monitored like an upload (see Monitoring).`);
    if (seeded.model) console.log(`Demo model ${seeded.model.id} (${seeded.model.algorithm}) in production: hold-out WAPE ${((seeded.model.metrics.wape ?? NaN) * 100).toFixed(1)}%, seasonal naive ${((seeded.model.baselineMetrics.wape ?? NaN) * 100).toFixed(1)}%`);
    if (seeded.generatedPassword) console.log(`Demo password (shown once, not stored; set DEMO_PASSWORD to choose it): ${seeded.generatedPassword}`);
    else console.log('Demo password: the value of DEMO_PASSWORD.');
  }
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' as const, AUTH_TRUST_HOST: process.env.AUTH_TRUST_HOST ?? 'true', FORESIGHT_HOME: foresightHome() };
  const server = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'server.ts'), '--port', port], { cwd: root, stdio: 'inherit', env });
  console.log(`Foresight on http://localhost:${port}`);
  const stop = (signal: NodeJS.Signals) => server.kill(signal);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.on('exit', (code) => process.exit(code ?? 0));
}

if (require.main === module) void main();
