import { describe, it, expect } from 'vitest';
import { generateRetailDemo, RETAIL_FILES } from '@/ml/data/generator';
import { importRetail } from '@/lib/ingest/retail';
import { readFileSync } from 'node:fs';
import { breakdown, heatmap, monthHeatmap, periodKpis, rowMask, seasonality, summaryPeriods, totalsByDay, windowTotals } from '@/ml/data/analytics';
import { civilFromDay } from '@/ml/data/dates';
import { importGeneric } from '@/lib/ingest/generic';
import { WALMART_CSV } from '../../support/paths';
import { dateRange } from '@/ml/data/table';

const demo = generateRetailDemo({ seed: 3, scale: 0.05, days: 400 });
const { table } = importRetail(RETAIL_FILES.map((name) => ({ name, bytes: demo.files[name] })));

describe('dashboard analytics', () => {
  it('adds up: breakdowns, heatmaps and daily totals all equal the window total', () => {
    const t = table!;
    const { last } = dateRange(t);
    const from = last - 29;
    const total = windowTotals(t, from, last).target;
    expect(total).toBeGreaterThan(0);
    const byStore = breakdown(t, 'store', from, last);
    expect(byStore.reduce((s, r) => s + r.current, 0)).toBeCloseTo(total, 6);
    expect(byStore.reduce((s, r) => s + r.share, 0)).toBeCloseTo(1, 9);
    const hm = heatmap(t, 'store', 'dept_name', from, last);
    expect(hm.values.flat().reduce((a, b) => a + b, 0)).toBeCloseTo(total, 6);
    expect(totalsByDay(t, from, last).reduce((s, d) => s + d.total, 0)).toBeCloseTo(total, 6);
  });

  it('compares the last 30 days with the 30 before and with last year', () => {
    const k = periodKpis(table!, 30, 'sum_total')!;
    expect(k.current.periods).toBe(30);
    expect(k.previous.periods).toBe(30);
    expect(k.current.value).toBeGreaterThan(0);
    expect(k.lastYear.periods).toBe(30);
  });

  it('finds the weekly pattern the generator put in', () => {
    const s = seasonality(table!);
    const peak = s.weekday.indexOf(Math.max(...s.weekday));
    expect(peak).toBe(demo.groundTruth.weekly.indexOf(Math.max(...demo.groundTruth.weekly)));
  });

  it('looks back a number of periods of the data’s grain: 4 weeks of weekly data against the 4 before and the same 4 a year earlier', () => {
    const walmart = importGeneric({ name: 'Walmart.csv', bytes: new Uint8Array(readFileSync(WALMART_CSV)) }, { date: 'Date', target: 'Weekly_Sales', keys: { store: 'Store' } }).table!;
    expect(summaryPeriods(walmart.step)).toBe(4);
    const k = periodKpis(walmart, summaryPeriods(walmart.step))!;
    for (const w of [k.current, k.previous, k.lastYear]) expect(w.periods).toBe(4);
    // Equal spans: 28 days each, the previous window ending the day before the current one starts.
    const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
    expect(day(k.current.to) - day(k.current.from)).toBe(21);
    expect(day(k.current.from) - day(k.previous.from)).toBe(28);
    expect(day(k.current.from) - day(k.lastYear.from)).toBe(364);
    expect(() => periodKpis(walmart, 0)).toThrow(RangeError);
  });

  it('breaks down, maps and finds the seasonality of one selection and of another measure', () => {
    const t = table!;
    const { last } = dateRange(t);
    const from = last - 29;
    const store = rowMask(t, 'store', '1');
    const byDept = breakdown(t, 'dept_name', from, last, store);
    expect(byDept.reduce((s, r) => s + r.current, 0)).toBeCloseTo(windowTotals(t, from, last, undefined, store).target, 6);
    // Revenue instead of units: the same groups, summing sum_total.
    const revenue = breakdown(t, 'store', from, last, undefined, t.numeric.sum_total);
    expect(revenue.reduce((s, r) => s + r.current, 0)).toBeCloseTo(windowTotals(t, from, last, 'sum_total').value!, 3);
    // Items another store never sold are not listed when drilled into store 1.
    const items = breakdown(t, 'item', from, last, store);
    expect(items.length).toBeLessThanOrEqual(breakdown(t, 'item', from, last).length);
    const hm = heatmap(t, 'store', 'dept_name', from, last, store);
    expect(hm.values.flat().reduce((a, b) => a + b, 0)).toBeCloseTo(windowTotals(t, from, last, undefined, store).target, 6);
    const all = seasonality(t);
    const one = seasonality(t, store);
    expect(one.month.reduce((a, b) => a + b, 0)).toBeLessThan(all.month.reduce((a, b) => a + b, 0));
  });

  it('the month heatmap of one grouping column: the mean total per period of each value in each calendar month', () => {
    const t = table!;
    const hm = monthHeatmap(t, 'store');
    expect(hm.cols).toEqual(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']);
    expect(hm.rows).toEqual([...t.keyVocab[t.keyNames.indexOf('store')]]);
    // Against a direct computation for one store and month.
    const march = totalsByDay(t, -Infinity, Infinity, rowMask(t, 'store', hm.rows[0])).filter((d) => civilFromDay(d.day).month === 3);
    expect(hm.values[0][2]).toBeCloseTo(march.reduce((s, d) => s + d.total, 0) / march.length, 9);
  });
});

