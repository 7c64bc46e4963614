import { describe, expect, it } from 'vitest';
import { generateRetailDemo } from '@/ml/data/generator';
import { importRetail } from '@/lib/ingest/retail';
import { parseIsoDay } from '@/ml/data/dates';
import { rowOf } from '@/ml/data/table';

// The demo must carry the effects its ground truth claims, as seen through the importer.
describe('demo data through the importer', () => {
  const demo = generateRetailDemo({ scale: 0.1, days: 400, seed: 11 });
  const r = importRetail(Object.entries(demo.files).map(([name, bytes]) => ({ name, bytes })));
  const t = r.table;
  if (!t) throw new Error(JSON.stringify(r.report.errors));

  it('imports without errors', () => {
    expect(r.report.errorCount).toBe(0);
    expect(t.rows).toBeGreaterThan(0.9 * demo.groundTruth.itemStoreDays);
    expect(t.rows).toBeLessThan(1.1 * demo.groundTruth.itemStoreDays);
  });

  it('records zero sales on the ground-truth stockout days', () => {
    const storeCode = new Map(t.keyVocab[0].map((v, i) => [v, i]));
    const itemCode = new Map(t.keyVocab[1].map((v, i) => [v, i]));
    const seriesOf = new Map<string, number>();
    for (let s = 0; s < t.seriesStart.length - 1; s++) seriesOf.set(`${t.seriesKeys[0][s]}|${t.seriesKeys[1][s]}`, s);
    let checked = 0;
    for (const so of demo.groundTruth.stockouts.slice(0, 300)) {
      const s = seriesOf.get(`${storeCode.get(so.store_id)}|${itemCode.get(so.item_id)}`);
      if (s === undefined) continue;
      const row = rowOf(t, s, parseIsoDay(so.date));
      if (row < 0) continue;
      expect(t.target[row]).toBe(0);
      expect(so.demand).toBeGreaterThan(0);
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('sells more on promotion days, as the elasticities say', () => {
    // Compare each promotion day with the same series 7 days earlier (same weekday, no promotion).
    let promoSum = 0;
    let baseSum = 0;
    let pairs = 0;
    for (let s = 0; s < t.seriesStart.length - 1; s++) {
      for (let row = t.seriesStart[s] + 7; row < t.seriesStart[s + 1]; row++) {
        if (t.numeric.promo[row] === 1 && t.numeric.promo[row - 7] === 0 && t.numeric.price[row] === t.numeric.price[row - 7]) {
          promoSum += t.target[row];
          baseSum += t.target[row - 7];
          pairs++;
        }
      }
    }
    expect(pairs).toBeGreaterThan(200);
    expect(promoSum / baseSum).toBeGreaterThan(1.3);
  });

  it('has weekly seasonality: Saturdays sell more than Tuesdays', () => {
    const byDow = new Float64Array(7);
    for (let row = 0; row < t.rows; row++) byDow[(((t.day[row] + 3) % 7) + 7) % 7] += t.target[row];
    expect(byDow[5] / byDow[1]).toBeGreaterThan(1.2);
  });
});
