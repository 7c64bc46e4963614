/**
 * The README's screenshots (`npm run screenshots`): the Overview, Forecasts, Analysis pages and the
 * executive PDF of the demo tenant and of a tenant that imported ../shared/data/walmart/Walmart.csv
 * (the copy in tests/fixtures), at 1440 and 820 px wide, into docs/screenshots/. It builds the app
 * if needed, seeds a temporary store (the demo as `npm start` does; Walmart through the generic
 * import and a trained boosting model), serves it on a free loopback port and drives Debian's
 * Chromium. The store is removed at the end.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_FLAGS, ensureDebianTools } from './debian-tools';

const root = path.resolve(__dirname, '..');
const OUT = path.join(root, 'docs', 'screenshots');
const PASSWORD = 'Screenshot-orchid-lantern-7';
const WIDTHS = [1440, 820] as const;

async function prepareStore(home: string): Promise<void> {
  process.env.FORESIGHT_HOME = home;
  process.env.DEMO_PASSWORD = PASSWORD;
  const { seedDemo } = await import('../lib/demo');
  await seedDemo(PASSWORD);
  const { createTenantWithAdmin } = await import('../lib/provisioning');
  const { SYSTEM_ACTOR } = await import('../lib/audit');
  const { getTenantOrThrow } = await import('../lib/tenants');
  const { ingestDataset } = await import('../lib/datasets/ingest');
  const { trainAndRegister } = await import('../lib/training/register');
  await createTenantWithAdmin({ id: 'walmart', name: 'Walmart stores', tier: 'enterprise', adminEmail: 'admin@walmart.test', adminName: 'Admin', adminPassword: PASSWORD }, SYSTEM_ACTOR);
  const csv = path.join(root, 'tests', 'fixtures', 'walmart', 'Walmart.csv');
  const mapping = { date: 'Date', target: 'Weekly_Sales', keys: { store: 'Store' }, numeric: ['Holiday_Flag', 'Temperature', 'Fuel_Price', 'CPI', 'Unemployment'] };
  const outcome = await ingestDataset(await getTenantOrThrow('walmart'), { format: 'generic', file: { name: 'Walmart.csv', bytes: new Uint8Array(fs.readFileSync(csv)) }, mapping }, SYSTEM_ACTOR, undefined, undefined, { retrain: false });
  if (outcome.status !== 'imported') throw new Error(`Walmart import: ${outcome.message}`);
  await trainAndRegister('walmart', { algorithms: ['gbm'], seed: 1 }, SYSTEM_ACTOR);
}

async function signIn(page: Page, email: string): Promise<void> {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 60_000 });
}

/** Waits until every chart on the page is drawn (or says it could not be). */
async function chartsDrawn(page: Page): Promise<void> {
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=plot]')].every((el) => el.getAttribute('data-state') !== 'loading'), undefined, { timeout: 60_000 });
  await page.waitForTimeout(300);
}

async function main(): Promise<void> {
  ensureDebianTools();
  const { buildIfNeeded } = await import('./start');
  buildIfNeeded();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'foresight-shots-'));
  const { startLocalServer } = await import('./local-server');
  let server: Awaited<ReturnType<typeof startLocalServer>>['server'] | undefined;
  try {
    console.log('Seeding the demo and a Walmart tenant…');
    await prepareStore(home);
    const started = await startLocalServer(home);
    server = started.server;
    fs.mkdirSync(OUT, { recursive: true });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
    for (const [tenant, email] of [['demo', 'analyst@demo.test'], ['walmart', 'admin@walmart.test']] as const) {
      for (const width of WIDTHS) {
        const context = await browser.newContext({ baseURL: started.baseURL, viewport: { width, height: width === 1440 ? 900 : 1180 }, acceptDownloads: true });
        const page = await context.newPage();
        await signIn(page, email);
        for (const [name, url] of [['overview', '/'], ['forecasts', '/forecasts'], ['analysis', '/analysis']] as const) {
          await page.goto(url);
          await chartsDrawn(page);
          const file = path.join(OUT, `${tenant}-${name}-${width}.png`);
          await page.screenshot({ path: file });
          console.log(`wrote ${path.relative(root, file)}`);
        }
        await context.close();
      }
      // The executive PDF, as a manager or admin downloads it, its first page at both widths.
      const context = await browser.newContext({ baseURL: started.baseURL });
      const page = await context.newPage();
      await signIn(page, tenant === 'demo' ? 'manager@demo.test' : email);
      const res = await page.request.get('/api/v1/reports/executive.pdf');
      if (!res.ok()) throw new Error(`executive PDF of ${tenant}: ${res.status()}`);
      const pdf = path.join(home, `${tenant}.pdf`);
      fs.writeFileSync(pdf, await res.body());
      for (const width of WIDTHS) {
        const prefix = path.join(OUT, `${tenant}-executive-pdf-${width}`);
        const r = spawnSync('pdftoppm', ['-png', '-f', '1', '-l', '1', '-singlefile', '-scale-to-x', String(width), '-scale-to-y', '-1', pdf, prefix]);
        if (r.status !== 0) throw new Error(`pdftoppm failed: ${r.stderr.toString()}`);
        console.log(`wrote ${path.relative(root, `${prefix}.png`)}`);
      }
      await context.close();
    }
    await browser.close();
  } finally {
    server?.kill('SIGTERM');
    fs.rmSync(home, { recursive: true, force: true });
  }
}

main().then(
  // The seeded store's timers (usage flush, warm-up) would keep the process alive.
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
