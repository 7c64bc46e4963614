import { describe, it, expect } from 'vitest';
import { generateRetailDemo, RETAIL_FILES } from '@/ml/data/generator';
import { importRetail } from '@/lib/ingest/retail';
import { breakdown, heatmap, monthHeatmap, periodKpis, rowMask, seasonality, totalsByDay, windowTotals } from '@/ml/data/analytics';
import { civilFromDay } from '@/ml/data/dates';
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
