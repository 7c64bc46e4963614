import { describe, expect, it } from 'vitest';
import { WALMART_CSV } from '../../support/paths';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { profileTable } from '@/ml/data/profile';
import { importGeneric } from '@/lib/ingest/generic';
import { importRetail } from '@/lib/ingest/retail';
import { writeRetailDemo, GROUND_TRUTH_FILE } from '@/lib/ingest/demo';
import { readCsvDir } from '@/lib/ingest/files';
import { tinyRetail } from './helpers';

describe('profileTable', () => {
  it('shows 45 stores and 143 weeks for Walmart.csv', () => {
    const r = importGeneric(
      { name: 'Walmart.csv', bytes: new Uint8Array(readFileSync(WALMART_CSV)) },
      { date: 'Date', target: 'Weekly_Sales', keys: { store: 'Store' }, numeric: ['Holiday_Flag', 'Temperature', 'Fuel_Price', 'CPI', 'Unemployment'] },
    );
    if (!r.table) throw new Error('no table');
    const p = profileTable(r.table);
    expect(p.keys.store).toBe(45);
    expect(p.periods).toBe(143);
    expect(p.rows).toBe(6435);
    expect(p.frequency).toBe('weekly');
    expect(p.dateRange).toEqual({ first: '2010-02-05', last: '2012-10-26' });
    expect(p.missingShare.Holiday_Flag).toBeGreaterThan(0);
    expect(p.missingShare.Temperature).toBe(0);
    expect(p.top.store.length).toBe(10);
    expect(p.overTime.length).toBe(143);
    expect(p.overTime.reduce((a, b) => a + b.total, 0)).toBeCloseTo(p.target.sum, 0);
  });

  it('profiles the hand-written retail set', () => {
    const t = importRetail(tinyRetail()).table;
    if (!t) throw new Error('no table');
    const p = profileTable(t);
    expect(p).toMatchObject({ rows: 28, series: 3, keys: { store: 2, item: 2 }, periods: 10 });
    expect(p.missingShare.area).toBeCloseTo(8 / 28, 12);
    expect(p.target.negativeShare).toBeCloseTo(1 / 28, 12);
    expect(p.top.item[0]).toEqual({ value: 'a1', total: 21 });
  });
});

describe('writeRetailDemo and readCsvDir', () => {
  it('writes the 8 files and the ground truth, which read back and import', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'foresight-demo-'));
    try {
      const { files, groundTruth } = await writeRetailDemo(dir, { scale: 0.05, days: 120 });
      expect(files.length).toBe(9);
      expect(JSON.parse(readFileSync(path.join(dir, GROUND_TRUTH_FILE), 'utf8')).seed).toBe(groundTruth.seed);
      const read = await readCsvDir(dir);
      expect(read.files.map((f) => f.name)).toHaveLength(8);
      const r = importRetail(read.files);
      expect(r.report.errorCount).toBe(0);
      const small = await readCsvDir(dir, 2000);
      expect(small.oversize.map((o) => o.name)).toContain('sales.csv');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
