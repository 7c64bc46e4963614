import { beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTenant, getTenantOrThrow } from '@/lib/tenants';
import { ingestDataset, type IngestRequest } from '@/lib/datasets/ingest';
import { readManifest } from '@/lib/datasets/store';
import { SYSTEM_ACTOR } from '@/lib/audit';
import { importGeneric } from '@/lib/ingest/generic';
import { importRetail } from '@/lib/ingest/retail';
import { formatDay } from '@/ml/data/dates';
import type { UploadedFile } from '@/lib/ingest/csv';
import type { ValidationReport } from '@/lib/schemas/ingest';
import { tinyRetail, withFile } from './helpers';

/**
 * Issue 11 item 8: dates that surprise. A time of day and zone is read as the calendar date
 * written (the till's local date), said in a warning; an observation dated far beyond (or before)
 * the bulk of the data is refused with its line, so one typo cannot fill millions of periods;
 * promotions planned years ahead still import; every date and encoding error names its line.
 */
const textOf = (files: UploadedFile[], name: string) => Buffer.from((files.find((f) => f.name === name) as UploadedFile).bytes as Uint8Array).toString('utf8');
const firstError = (r: { report: ValidationReport }, column?: string) => r.report.errors.find((e) => column === undefined || e.column === column);

const DAYS = Array.from({ length: 60 }, (_, i) => formatDay(19_723 + i)); // 2024-01-01 ...
const daily = (rows: string[]) => `day,shop,units\n${rows.join('\n')}\n`;
const body = DAYS.map((d, i) => `${d},A,${i % 7}`);
const mapping = { date: 'day', target: 'units', keys: { store: 'shop' } };

describe('dates with a time of day and a zone: the local date written', () => {
  it('generic: read as the calendar date in the value, with a warning naming the first line', () => {
    const r = importGeneric({ name: 'u.csv', bytes: daily(['2024-03-01T23:30:00-05:00,A,1', '2024-03-02 10:00:00Z,A,2', '2024-03-03,A,3', '2024-03-04 07:15,A,4']) }, mapping);
    expect(r.report.errors).toEqual([]);
    expect(r.dateRange).toEqual({ first: '2024-03-01', last: '2024-03-04' });
    expect(Array.from(r.table!.target)).toEqual([1, 2, 3, 4]);
    const w = r.report.warnings.find((x) => x.column === 'day' && /time of day/.test(x.reason));
    expect(w, JSON.stringify(r.report.warnings)).toMatchObject({ file: 'u.csv', line: 2 });
    expect(w!.reason).toMatch(/3 dates .*local date/);
  });

  it('generic, other formats: DD/MM/YYYY with a time reads its date too', () => {
    const r = importGeneric({ name: 'u.csv', bytes: daily(['05/02/2010 00:00,A,1', '06/02/2010 23:59:59+01:00,A,2', '07/02/2010,A,3']) }, { ...mapping, dateFormat: 'DD/MM/YYYY' });
    expect(r.report.errors).toEqual([]);
    expect(r.dateRange).toEqual({ first: '2010-02-05', last: '2010-02-07' });
  });

  it('generic: anything after the date that is not a time of day is refused with its line', () => {
    const r = importGeneric({ name: 'u.csv', bytes: daily(['2024-03-01,A,1', '2024-03-02 garbage,A,2', '2024-03-03T25:00:00Z,A,3']) }, mapping);
    expect(r.table).toBeNull();
    expect(r.report.errors.map((e) => e.line)).toEqual([3, 4]);
  });

  it('retail: sales dated with a time and zone import on their local date, the same as plain dates', () => {
    const tiny = tinyRetail();
    const sales = textOf(tiny, 'sales.csv').replace('0,2024-01-01,a1,5', '0,2024-01-01T23:30:00-05:00,a1,5').replace('3,2024-01-05,a1', '3,2024-01-05 10:00:00Z,a1');
    const timed = importRetail(withFile(tiny, 'sales.csv', sales));
    const plain = importRetail(tiny);
    expect(timed.report.errors).toEqual([]);
    expect(Array.from(timed.table!.target)).toEqual(Array.from(plain.table!.target));
    expect(Array.from(timed.table!.day)).toEqual(Array.from(plain.table!.day));
    const w = timed.report.warnings.find((x) => /time of day/.test(x.reason));
    expect(w).toMatchObject({ file: 'sales.csv', line: 2, column: 'date' });
    expect(w!.reason).toMatch(/2 dates/);
  });
});

let home: string;
beforeEach(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-dates-'));
  process.env.FORESIGHT_HOME = home;
  await createTenant({ id: 'shop', name: 'Shop', tier: 'enterprise' });
});
const ingest = async (req: IngestRequest) => ingestDataset(await getTenantOrThrow('shop'), req, SYSTEM_ACTOR);
const dataFiles = async () => (await fs.readdir(path.join(home, 'data', 'shop')).catch(() => [])).filter((n) => n !== 'uploads').sort();

describe('dates far beyond the data are refused with their line', () => {
  it('generic, fresh tenant: one row dated 9999-12-31 is refused, nothing written', async () => {
    const out = await ingest({ format: 'generic', file: { name: 'u.csv', bytes: daily([...body.slice(0, 30), '9999-12-31,A,1', ...body.slice(30)]) }, mapping });
    expect(out.status).toBe('invalid');
    expect(firstError(out)).toMatchObject({ file: 'u.csv', line: 32, column: 'day' });
    expect(firstError(out)!.reason).toMatch(/9999-12-31 is more than 366 days after 2024-02-29/);
    expect(out.report.errorCount).toBe(1);
    expect(await dataFiles()).toEqual([]);
  });

  it('generic, fresh tenant: far in the past too (year 1023 among 2024 data)', async () => {
    const out = await ingest({ format: 'generic', file: { name: 'u.csv', bytes: daily([...body, '1023-05-01,A,1']) }, mapping });
    expect(out.status).toBe('invalid');
    expect(firstError(out)).toMatchObject({ line: 62, column: 'day' });
    expect(firstError(out)!.reason).toMatch(/1023-05-01 is more than 366 days before 2024-01-01/);
    expect(await dataFiles()).toEqual([]);
  });

  it('generic, tenant with data: a file of one row dated 9999-12-31 is judged against the stored days', async () => {
    expect((await ingest({ format: 'generic', file: { name: 'u.csv', bytes: daily(body) }, mapping })).status).toBe('imported');
    const before = await readManifest('shop');
    const out = await ingest({ format: 'generic', file: { name: 'late.csv', bytes: daily(['9999-12-31,A,1']) }, mapping: { ...mapping, frequency: 'daily' } });
    expect(out.status).toBe('invalid');
    expect(firstError(out)).toMatchObject({ file: 'late.csv', line: 2, column: 'day' });
    expect(await readManifest('shop')).toEqual(before);
  });

  it('retail, fresh and holding data: a sale dated 9999-12-31 is refused with its line; promotions planned years ahead still import', async () => {
    const tiny = tinyRetail();
    const far = withFile(tiny, 'sales.csv', `${textOf(tiny, 'sales.csv')}9,9999-12-31,a1,1,100,100,1\n`);
    const fresh = await ingest({ format: 'retail', files: far });
    expect(fresh.status).toBe('invalid');
    expect(firstError(fresh)).toMatchObject({ file: 'sales.csv', line: 11, column: 'date' });
    expect(fresh.report.errorCount).toBe(1);
    expect(await dataFiles()).toEqual([]);

    // The tiny set plans a promotion on 2030-01-01, six years after its sales: kept as planned.
    const ok = await ingest({ format: 'retail', files: tiny });
    expect(ok.status).toBe('imported');
    expect(ok.report.errors).toEqual([]);
    const planned = importRetail(tiny).plannedPromotions;
    expect(planned.map((p) => formatDay(p.day))).toEqual(['2030-01-01']);
    expect((await readManifest('shop'))!.plannedFile).not.toBeNull();

    const before = await readManifest('shop');
    const held = await ingest({ format: 'retail', files: far });
    expect(held.status).toBe('invalid');
    expect(firstError(held)).toMatchObject({ file: 'sales.csv', line: 11, column: 'date' });
    // Online and markdown rows are observations too.
    const online = await ingest({ format: 'retail', files: withFile(tiny, 'online.csv', `${textOf(tiny, 'online.csv')}2,2051-06-01,a1,1,100,100,1\n`) });
    expect(online.status).toBe('invalid');
    expect(firstError(online)).toMatchObject({ file: 'online.csv', line: 4, column: 'date' });
    expect(await readManifest('shop')).toEqual(before);
  });
});

describe('date and encoding errors name their first line, and every offending one is counted', () => {
  it('invalid UTF-8: the line of each bad byte', () => {
    const tiny = tinyRetail();
    const catalog = Buffer.from(textOf(tiny, 'catalog.csv'), 'utf8');
    const bad = Buffer.concat([catalog, Buffer.from('2,c3,Bakery,Bread,White,x,1,1,\n3,d4,Bakery,Bread,Rye\xe9,x,1,1,\n', 'latin1'), Buffer.from([0x34, 0x2c, 0xff, 0x0a])]);
    const r = importRetail(withFile(tiny, 'catalog.csv', new Uint8Array(bad)));
    expect(r.table).toBeNull();
    expect(r.report.errors.map((e) => [e.file, e.line])).toEqual([
      ['catalog.csv', 5],
      ['catalog.csv', 6],
    ]);
    expect(r.report.errors[0].reason).toMatch(/not valid UTF-8.*0xE9/);
    expect(r.report.errorCount).toBe(2);
  });

  it('mixed date formats: each date not in the column\'s format, by line', () => {
    const r = importGeneric({ name: 'u.csv', bytes: daily([...body.slice(0, 5), '03/06/2024,A,1', ...body.slice(5, 9), '11.06.2024,A,2']) }, mapping);
    expect(r.table).toBeNull();
    expect(r.report.errors.map((e) => [e.line, e.column])).toEqual([
      [7, 'day'],
      [12, 'day'],
    ]);
    expect(r.report.errors[0].reason).toMatch(/mixed date formats: .*YYYY-MM-DD.*"03\/06\/2024"/);
    expect(r.report.errorCount).toBe(2);
  });

  it('an impossible date (2023-02-30) and month 13 in a detected column: their lines', () => {
    const rows = ['2023-02-27,A,1', '2023-02-28,A,1', '2023-02-30,A,1', '2023-03-01,A,1', '2023-13-01,A,1', '2023-03-02,A,1'];
    const r = importGeneric({ name: 'u.csv', bytes: daily(rows) }, mapping);
    expect(r.table).toBeNull();
    expect(r.report.errors.map((e) => [e.line, e.column])).toEqual([
      [4, 'day'],
      [6, 'day'],
    ]);
    expect(r.report.errors[0].reason).toMatch(/not a calendar date.*2023-02-30/);
    expect(r.report.errors[1].reason).toMatch(/month 13/);
  });
});
