import { describe, expect, it } from 'vitest';
import { WALMART_CSV } from '../../support/paths';
import { readFileSync } from 'node:fs';
import { decodeTable, encodeTable } from '@/ml/data/table-codec';
import { importRetail } from '@/lib/ingest/retail';
import { importGeneric } from '@/lib/ingest/generic';
import type { DailyTable } from '@/ml/data/table';
import { tinyRetail } from './helpers';

function expectSame(a: DailyTable, b: DailyTable): void {
  expect(b.rows).toBe(a.rows);
  expect(b.keyNames).toEqual(a.keyNames);
  expect(b.keyVocab).toEqual(a.keyVocab);
  expect(Array.from(b.day)).toEqual(Array.from(a.day));
  expect(Array.from(b.seriesStart)).toEqual(Array.from(a.seriesStart));
  expect(b.seriesKeys.map((k) => Array.from(k))).toEqual(a.seriesKeys.map((k) => Array.from(k)));
  expect(Buffer.from(b.target.buffer).equals(Buffer.from(a.target.buffer))).toBe(true);
  expect(Object.keys(b.numeric)).toEqual(Object.keys(a.numeric));
  for (const k of Object.keys(a.numeric)) expect(Buffer.from(b.numeric[k].buffer).equals(Buffer.from(a.numeric[k].buffer)), k).toBe(true);
  for (const k of Object.keys(a.categorical)) {
    expect(b.categorical[k].vocab).toEqual(a.categorical[k].vocab);
    expect(Array.from(b.categorical[k].codes)).toEqual(Array.from(a.categorical[k].codes));
  }
  expect(Object.is(b.gapTarget, a.gapTarget)).toBe(true);
  expect([b.frequency, b.step, b.targetName]).toEqual([a.frequency, a.step, a.targetName]);
}

describe('table codec', () => {
  it('round-trips the retail table bit for bit (NaN, Cyrillic vocabularies)', () => {
    const t = importRetail(tinyRetail()).table;
    if (!t) throw new Error('no table');
    expectSame(t, decodeTable(encodeTable(t)));
  });

  it('round-trips a weekly generic table with a NaN gap target', () => {
    const t = importGeneric(
      { name: 'Walmart.csv', bytes: new Uint8Array(readFileSync(WALMART_CSV)) },
      { date: 'Date', target: 'Weekly_Sales', keys: { store: 'Store' }, numeric: ['Holiday_Flag', 'Temperature'] },
    ).table;
    if (!t) throw new Error('no table');
    const bytes = encodeTable(t);
    expectSame(t, decodeTable(bytes));
    expect(bytes.length).toBeLessThan(6435 * 40);
  });

  it('refuses other files and truncated ones', () => {
    const t = importRetail(tinyRetail()).table;
    if (!t) throw new Error('no table');
    const bytes = encodeTable(t);
    expect(() => decodeTable(new TextEncoder().encode('date,item\n'))).toThrow(RangeError);
    expect(() => decodeTable(bytes.subarray(0, bytes.length - 16))).toThrow(RangeError);
  });
});
