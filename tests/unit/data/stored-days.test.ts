import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTenant, getTenantOrThrow } from '@/lib/tenants';
import { ingestDataset, type IngestRequest } from '@/lib/datasets/ingest';
import { loadTable, readManifest } from '@/lib/datasets/store';
import { queryAudit, SYSTEM_ACTOR } from '@/lib/audit';
import { readStagedUpload, removeStagedUpload, stageUpload } from '@/lib/jobs/staging';
import { parseIsoDay } from '@/ml/data/dates';
import { rowOf, seriesLabel, type DailyTable } from '@/ml/data/table';
import type { UploadedFile } from '@/lib/ingest/csv';
import { tinyRetail, withFile } from './helpers';
import { generateRetailDemo, RETAIL_FILES } from '@/ml/data/generator';
import { trainAndRegister } from '@/lib/training/register';
import { latestLiveError } from '@/lib/monitoring/decay';
import { latestDriftReport } from '@/lib/monitoring/drift';
import { listAlerts } from '@/lib/alerts';

/**
 * Issue 11 item 8: a file whose rows fall on days already stored is never a silent success. In
 * append mode (the default) values that differ from the stored ones are refused with the line;
 * replace mode, chosen explicitly, overwrites them and says (and audits) how many rows changed;
 * a file that exactly repeats stored days still changes nothing.
 */
let home: string;
beforeEach(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-stored-days-'));
  process.env.FORESIGHT_HOME = home;
  await createTenant({ id: 'shop', name: 'Shop', tier: 'enterprise' });
});

/** Every file under data/shop, as bytes (the audit log lives elsewhere). */
async function dataSnapshot(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const dir = path.join(home, 'data', 'shop');
  for (const name of (await fs.readdir(dir).catch(() => [])).sort()) {
    const full = path.join(dir, name);
    if ((await fs.stat(full)).isFile()) out[name] = (await fs.readFile(full)).toString('base64');
  }
  return out;
}

const ingest = async (req: IngestRequest) => ingestDataset(await getTenantOrThrow('shop'), req, SYSTEM_ACTOR);

/** The stored target of the series labelled `label` on `date`. */
function storedTarget(t: DailyTable, label: string, date: string): number {
  for (let s = 0; s < t.seriesStart.length - 1; s++) if (seriesLabel(t, s) === label) return t.target[rowOf(t, s, parseIsoDay(date))];
  throw new Error(`no series ${label}`);
}

const tinySales = (tiny: UploadedFile[]) => Buffer.from((tiny.find((f) => f.name === 'sales.csv') as UploadedFile).bytes as Uint8Array).toString('utf8');
/** sales.csv of the tiny set with line 4 (a1 in store 1 on 2024-01-02, 3 sold) set to `quantity`. */
const correctedSales = (tiny: UploadedFile[], quantity: number) => tinySales(tiny).replace('2,2024-01-02,a1,3,100,240,1', `2,2024-01-02,a1,${quantity},100,${quantity * 80},1`);

describe('retail: corrections of stored days', () => {
  it('append mode refuses a correction naming file, line, date and store, and writes nothing', async () => {
    const tiny = tinyRetail();
    expect((await ingest({ format: 'retail', files: tiny })).status).toBe('imported');
    const before = await dataSnapshot();
    const out = await ingest({ format: 'retail', files: withFile(tiny, 'sales.csv', correctedSales(tiny, 4)) });
    expect(out.status).toBe('invalid');
    expect(out.message).toMatch(/^Nothing imported: 1 row falls on days already stored and differs from them \(first: sales\.csv line 4, date 2024-01-02, store 1, item a1/);
    expect(out.message).toMatch(/Import again with replace mode to apply corrections\.$/);
    expect(out.report.errors[0]).toMatchObject({ file: 'sales.csv', line: 4, column: 'quantity' });
    expect(out.report.errorCount).toBe(1);
    expect(await dataSnapshot()).toEqual(before);
    const audit = await queryAudit('shop', { action: 'data.import', page: 1, pageSize: 10 });
    expect(audit.records[0]).toMatchObject({ outcome: 'failure' });
  });

  it('replace mode applies negative quantities (returns) to stored days, reports the rows changed and audits them', async () => {
    const tiny = tinyRetail();
    const first = await ingest({ format: 'retail', files: tiny });
    const sumBefore = (await readManifest('shop'))!.profile.target.sum;
    const out = await ingest({ format: 'retail', files: withFile(tiny, 'sales.csv', correctedSales(tiny, -2)), mode: 'replace' });
    expect(out.status).toBe('imported');
    expect(out.changedRows).toBe(1);
    expect(out.appendedRows).toBe(0);
    expect(out.message).toMatch(/^Replaced 1 stored row \(2024-01-02\)\./);
    const stored = await loadTable('shop');
    expect(storedTarget(stored!.table, 'store=1|item=a1', '2024-01-02')).toBe(-2);
    expect(stored!.table.rows).toBe(first.rows);
    // The profile and the import history follow the corrected table.
    const manifest = await readManifest('shop');
    expect(manifest!.profile.target.sum).toBe(sumBefore - 3 - 2);
    expect(manifest!.imports.at(-1)).toMatchObject({ changedRows: 1, mode: 'replace' });
    const audit = await queryAudit('shop', { action: 'data.import', page: 1, pageSize: 10 });
    expect(audit.records[0]).toMatchObject({ outcome: 'success' });
    expect(audit.records[0].details).toMatchObject({ mode: 'replace', changedRows: 1, appendedRows: 0 });
  });

  it('the exact files again still change nothing, in either mode', async () => {
    const tiny = tinyRetail();
    await ingest({ format: 'retail', files: tiny });
    const before = await dataSnapshot();
    expect((await ingest({ format: 'retail', files: tiny })).status).toBe('unchanged');
    const replaced = await ingest({ format: 'retail', files: tiny, mode: 'replace' });
    expect(replaced).toMatchObject({ status: 'unchanged', changedRows: 0, appendedRows: 0 });
    expect(replaced.message).toMatch(/nothing changed/);
    expect(await dataSnapshot()).toEqual(before);
  });

  it('a price of stored days that differs (price_history holds until the next): kept in append mode with a warning at its line, applied by replace', async () => {
    const tiny = tinyRetail();
    await ingest({ format: 'retail', files: tiny });
    const before = await dataSnapshot();
    const prices = Buffer.from((tiny.find((f) => f.name === 'price_history.csv') as UploadedFile).bytes as Uint8Array).toString('utf8').replace('1,2024-01-06,a1,110,2,1', '1,2024-01-06,a1,120,2,1');
    const files = withFile(tiny, 'price_history.csv', prices);
    const kept = await ingest({ format: 'retail', files });
    expect(kept.status).toBe('unchanged');
    expect(kept.message).toBe('No newer days than the stored data: nothing changed. 5 stored rows keep their price although price_history.csv gives another (see the warning; replace mode applies it).');
    const warning = kept.report.warnings.find((w) => w.file === 'price_history.csv' && /another price/.test(w.reason));
    expect(warning).toMatchObject({ line: 3, column: 'price' });
    expect(warning!.reason).toMatch(/date 2024-01-06, store 1, item a1: price 110 is stored, the file has 120/);
    expect(await dataSnapshot()).toEqual(before);
    const replaced = await ingest({ format: 'retail', files, mode: 'replace' });
    expect(replaced).toMatchObject({ status: 'imported', changedRows: 5 });
    expect(replaced.message).toMatch(/^Replaced 5 stored rows \(2024-01-06 to 2024-01-10\)\./);
  });

  it('replace mode reaches the job through the staged upload', async () => {
    const tiny = tinyRetail();
    await ingest({ format: 'retail', files: tiny });
    const files = withFile(tiny, 'sales.csv', correctedSales(tiny, 9));
    await stageUpload('shop', 'j_replace', { format: 'retail', names: files.map((f) => f.name), mode: 'replace' }, files);
    try {
      const out = await ingestDataset(await getTenantOrThrow('shop'), await readStagedUpload('shop', 'j_replace'), SYSTEM_ACTOR);
      expect(out).toMatchObject({ status: 'imported', changedRows: 1 });
    } finally {
      await removeStagedUpload('shop', 'j_replace');
    }
    expect(storedTarget((await loadTable('shop'))!.table, 'store=1|item=a1', '2024-01-02')).toBe(9);
  });
});

const GENERIC = ['day,shop,units', '2024-03-01,A,5', '2024-03-02,A,6', '2024-03-03,A,7', '2024-03-01,B,1', '2024-03-02,B,2', '2024-03-03,B,3'].join('\n') + '\n';
const mapping = { date: 'day', target: 'units', keys: { store: 'shop' }, frequency: 'daily' as const };
const generic = (text: string, mode?: 'append' | 'replace'): IngestRequest => ({ format: 'generic', file: { name: 'units.csv', bytes: text }, mapping, ...(mode ? { mode } : {}) });

describe('generic: corrections of stored days', () => {
  it('a changed value, an empty target and a date with time and zone: each refused in append mode with its line', async () => {
    await ingest(generic(GENERIC));
    const before = await dataSnapshot();
    const cases: [string, number, RegExp][] = [
      ['day,shop,units\n2024-03-02,A,60\n', 2, /date 2024-03-02, store A/],
      ['day,shop,units\n2024-03-03,B,3\n2024-03-02,B,\n', 3, /date 2024-03-02, store B/],
      ['day,shop,units\n2024-03-01T23:30:00-05:00,A,5\n2024-03-03 10:00:00Z,A,70\n', 3, /date 2024-03-03, store A/],
    ];
    for (const [text, line, where] of cases) {
      const out = await ingest(generic(text));
      expect(out.status, text).toBe('invalid');
      expect(out.message, text).toMatch(/1 row falls on days already stored and differs from them/);
      expect(out.message, text).toMatch(where);
      expect(out.report.errors[0], text).toMatchObject({ file: 'units.csv', line, column: 'units' });
    }
    expect(await dataSnapshot()).toEqual(before);
  });

  it('replace mode overwrites the rows in the file only, appends newer days and says both', async () => {
    await ingest(generic(GENERIC));
    const out = await ingest(generic('day,shop,units\n2024-03-02,A,60\n2024-03-02,B,\n2024-03-04,B,4\n', 'replace'));
    expect(out.status).toBe('imported');
    expect(out.changedRows).toBe(2);
    expect(out.appendedRows).toBe(1);
    expect(out.message).toMatch(/^Replaced 2 stored rows \(2024-03-02\) and appended 1 row of newer days\./);
    const t = (await loadTable('shop'))!.table;
    expect(storedTarget(t, 'store=A', '2024-03-02')).toBe(60);
    expect(storedTarget(t, 'store=B', '2024-03-02')).toBeNaN();
    // Rows the file does not hold keep their stored values.
    expect(storedTarget(t, 'store=A', '2024-03-01')).toBe(5);
    expect(storedTarget(t, 'store=A', '2024-03-03')).toBe(7);
    expect(storedTarget(t, 'store=B', '2024-03-04')).toBe(4);
  });

  it('a file that exactly repeats some stored days (other bytes, a time of day) changes nothing', async () => {
    await ingest(generic(GENERIC));
    const before = await dataSnapshot();
    const out = await ingest(generic('day,shop,units\n2024-03-02T08:00:00+03:00,A,6\n2024-03-01,B,1\n'));
    expect(out.status).toBe('unchanged');
    expect(out.message).toBe('No newer days than the stored data: nothing changed.');
    expect(out.changedRows).toBe(0);
    // The time of day was read, and said so.
    expect(out.report.warnings.some((w) => w.line === 2 && /time of day/.test(w.reason))).toBe(true);
    expect(await dataSnapshot()).toEqual(before);
  });

  it('days before the stored ones are added, not dropped', async () => {
    await ingest(generic(GENERIC));
    const out = await ingest(generic('day,shop,units\n2024-02-28,A,1\n2024-02-29,A,2\n'));
    expect(out.status).toBe('imported');
    expect(out.appendedRows).toBe(2);
    const t = (await loadTable('shop'))!.table;
    expect(storedTarget(t, 'store=A', '2024-02-28')).toBe(1);
    expect(storedTarget(t, 'store=A', '2024-03-03')).toBe(7);
  });
});

describe('CLI ingest --mode', () => {
  const CLI = path.resolve(__dirname, '../../../scripts/foresight.ts');
  let cliHome: string;
  beforeAll(async () => {
    cliHome = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-cli-mode-'));
  });
  afterAll(async () => {
    await fs.rm(cliHome, { recursive: true, force: true });
  });
  const cli = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, FORESIGHT_HOME: cliHome }, timeout: 60_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
    });

  it('a correction exits non-zero in append mode and is applied with --mode replace', async () => {
    expect((await cli('tenant', 'create', '--id', 'acme', '--name', 'Acme', '--tier', 'enterprise')).code).toBe(0);
    await fs.writeFile(path.join(cliHome, 'units.csv'), GENERIC);
    await fs.writeFile(path.join(cliHome, 'fix.csv'), 'day,shop,units\n2024-03-02,A,60\n');
    const map = 'date=day,store=shop,target=units,frequency=daily';
    expect((await cli('ingest', '--tenant', 'acme', '--format', 'generic', '--file', path.join(cliHome, 'units.csv'), '--map', map)).code).toBe(0);
    const refused = await cli('ingest', '--tenant', 'acme', '--format', 'generic', '--file', path.join(cliHome, 'fix.csv'), '--map', map);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/1 row falls on days already stored and differs from them \(first: fix\.csv line 2, date 2024-03-02, store A/);
    const replaced = await cli('ingest', '--tenant', 'acme', '--format', 'generic', '--file', path.join(cliHome, 'fix.csv'), '--map', map, '--mode', 'replace');
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(replaced.stdout).toMatch(/Replaced 1 stored row/);
    const bad = await cli('ingest', '--tenant', 'acme', '--format', 'generic', '--file', path.join(cliHome, 'fix.csv'), '--map', map, '--mode', 'overwrite');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--mode/);
  }, 120_000);
});

describe('after a replace, what is derived follows the corrected days', () => {
  const demoFiles = (endDate: string, change?: (text: string) => string) => {
    const demo = generateRetailDemo({ seed: 21, scale: 0.1, startDate: '2022-01-01', endDate });
    return RETAIL_FILES.map((name) => ({ name, bytes: name === 'sales.csv' && change ? change(demo.files[name]) : demo.files[name] }));
  };
  /** sales.csv with the quantities (and revenue) of `date` multiplied by 10. */
  const tenfold = (date: string) => (text: string) =>
    text
      .split('\n')
      .map((l) => {
        const c = l.split(',');
        if (c[1] !== date) return l;
        c[3] = String(Number(c[3]) * 10);
        c[5] = String(Number(c[5]) * 10);
        return c.join(',');
      })
      .join('\n');
  const quiet = { retrain: false };

  it('monitoring is re-measured on corrected new days, and a corrected hold-out day is said in the message', async () => {
    const tenant = await getTenantOrThrow('shop');
    await ingestDataset(tenant, { format: 'retail', files: demoFiles('2023-02-28') }, SYSTEM_ACTOR, undefined, undefined, quiet);
    const first = await trainAndRegister('shop', { algorithms: ['ridge'], seed: 3, calibrationWindows: 1 }, SYSTEM_ACTOR);
    expect(first.version.stage).toBe('production');
    await ingestDataset(tenant, { format: 'retail', files: demoFiles('2023-04-15') }, SYSTEM_ACTOR, undefined, undefined, quiet);
    const liveBefore = (await latestLiveError('shop'))!;
    const driftBefore = (await latestDriftReport('shop'))!;
    const dayBefore = liveBefore.daily.find((d) => d.date === '2023-04-10')!;

    // A correction of a day after the training window: the live error and drift are recomputed on it.
    const fixed = await ingestDataset(tenant, { format: 'retail', files: demoFiles('2023-04-15', tenfold('2023-04-10')), mode: 'replace' }, SYSTEM_ACTOR, undefined, undefined, quiet);
    expect(fixed.status).toBe('imported');
    expect(fixed.changedRows).toBeGreaterThan(0);
    expect(fixed.appendedRows).toBe(0);
    expect(fixed.message).toMatch(/^Replaced [\d,]+ stored rows \(2023-04-10\)\./);
    expect(fixed.message).not.toMatch(/evaluated on a hold-out/);
    const liveAfter = (await latestLiveError('shop'))!;
    expect(liveAfter.at > liveBefore.at).toBe(true);
    expect(liveAfter.daily.find((d) => d.date === '2023-04-10')!.actual).toBeCloseTo(dayBefore.actual * 10, 6);
    const driftAfter = (await latestDriftReport('shop'))!;
    expect(driftAfter.current).toEqual(driftBefore.current);
    expect(driftAfter.at > driftBefore.at).toBe(true);
    expect(driftAfter.columns.find((c) => c.role === 'target')!.currentMean).toBeGreaterThan(driftBefore.columns.find((c) => c.role === 'target')!.currentMean!);
    // Re-measured, not re-alerted: one open drift alert per column and window.
    const driftAlerts = (await listAlerts('shop', { open: true, kind: 'drift' })).map((a) => `${String(a.details.column)} ${a.message.split(' on ')[1]}`);
    expect(driftAlerts.length).toBeGreaterThan(0);
    expect(new Set(driftAlerts).size).toBe(driftAlerts.length);
    const stored = await readManifest('shop');
    expect(stored!.profile.overTime.find((p) => p.date === '2023-04-10')!.total).toBeCloseTo(dayBefore.actual * 10, 6);

    // A correction inside the production model's hold-out: the message says its figures predate it.
    const holdout = await ingestDataset(tenant, { format: 'retail', files: demoFiles('2023-04-15', (t) => tenfold('2023-02-20')(tenfold('2023-04-10')(t))), mode: 'replace' }, SYSTEM_ACTOR, undefined, undefined, quiet);
    expect(holdout.message).toMatch(/Replaced [\d,]+ stored rows \(2023-02-20\)\./);
    expect(holdout.message).toMatch(new RegExp(`The production model ${first.version.id} was evaluated on a hold-out \\(2023-01-30 to 2023-02-28\\) that includes replaced days`));
  }, 120_000);
});
