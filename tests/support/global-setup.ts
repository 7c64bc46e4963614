/**
 * Starts the app once for the API and browser tests: builds if needed, makes a fresh store in a
 * temp dir with the demo tenant and test tenants, serves it on a free port, and makes sure Debian's
 * Chromium is there for the browser tests (installing it when running as root).
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureDebianTools } from '../../scripts/debian-tools';
import { startLocalServer } from '../../scripts/local-server';

export { CHROMIUM } from '../../scripts/debian-tools';
export const TEST_PASSWORD = 'Integration-pass-2026';
/** FORESIGHT_UPLOAD_MAX_MB of the test server. */
export const TEST_UPLOAD_MAX_MB = 256;

let server: ChildProcess | undefined;

export default async function setup(project: TestProject) {
  ensureDebianTools();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'foresight-it-'));
  process.env.FORESIGHT_HOME = home;
  process.env.DEMO_PASSWORD = TEST_PASSWORD;
  process.env.BCRYPT_ROUNDS = '4';
  // A per-upload cap low enough that the over-the-cap tests stay cheap, high enough for the
  // 200 MB streaming test (tests/api/uploads.test.ts); the server inherits it.
  process.env.FORESIGHT_UPLOAD_MAX_MB = String(TEST_UPLOAD_MAX_MB);

  const { buildIfNeeded } = await import('../../scripts/start');
  buildIfNeeded();
  const { seedDemo } = await import('../../lib/demo');
  // The demo with its generated data and its first trained model in production (other tests rely on it).
  const seedStarted = Date.now();
  const seeded = await seedDemo(TEST_PASSWORD);
  if (!seeded.model) throw new Error('The demo seeding registered no model.');
  console.log(`Demo seeded in ${((Date.now() - seedStarted) / 1000).toFixed(0)} s (model ${seeded.model.id}, ${seeded.model.algorithm}, hold-out WAPE ${seeded.model.metrics.wape?.toFixed(3)}).`);
  const { createTenantWithAdmin } = await import('../../lib/provisioning');
  const { SYSTEM_ACTOR } = await import('../../lib/audit');
  // A second tenant for isolation tests, and one per destructive scenario.
  for (const [id, tier] of [['other', 'enterprise'], ['burst', 'enterprise'], ['tosuspend', 'enterprise'], ['starterco', 'starter']] as const) {
    await createTenantWithAdmin({ id, name: `Tenant ${id}`, tier, adminEmail: `admin@${id}.test`, adminName: `Admin ${id}`, adminPassword: TEST_PASSWORD }, SYSTEM_ACTOR);
  }

  const started = await startLocalServer(home);
  server = started.server;
  const { baseURL, logFile } = started;

  project.provide('baseURL', baseURL);
  project.provide('home', home);
  project.provide('password', TEST_PASSWORD);
  // The server's own process (scripts/server.ts runs Next.js in it): tests watch its memory.
  project.provide('serverPid', server.pid ?? 0);
  project.provide('uploadMaxMb', TEST_UPLOAD_MAX_MB);

  return async () => {
    server?.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    if (process.env.KEEP_TEST_HOME) console.log(`Test store kept at ${home} (server log: ${logFile})`);
    else fs.rmSync(home, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
    home: string;
    password: string;
    serverPid: number;
    uploadMaxMb: number;
  }
}
