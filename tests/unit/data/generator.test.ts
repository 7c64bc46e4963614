import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { generateRetailDemo, RETAIL_COLUMNS, RETAIL_FILES } from '@/ml/data/generator';
import { parseIsoDay } from '@/ml/data/dates';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const small = { scale: 0.05, days: 400 };

describe('generateRetailDemo', () => {
  it('is byte-identical for the same seed and differs for another seed', () => {
    const a = generateRetailDemo({ ...small, seed: 7 });
    const b = generateRetailDemo({ ...small, seed: 7 });
    const c = generateRetailDemo({ ...small, seed: 8 });
    for (const f of RETAIL_FILES) expect(sha(a.files[f])).toBe(sha(b.files[f]));
    expect(JSON.stringify(a.groundTruth)).toBe(JSON.stringify(b.groundTruth));
    expect(a.files['sales.csv']).not.toBe(c.files['sales.csv']);
  });

  it('writes the exact columns of docs/data.md with the unnamed index column, and Cyrillic catalog text', () => {
    const d = generateRetailDemo(small);
    for (const f of RETAIL_FILES) {
      const header = d.files[f].slice(0, d.files[f].indexOf('\n'));
      expect(header).toBe(`,${RETAIL_COLUMNS[f].join(',')}`);
    }
    expect(RETAIL_COLUMNS['sales.csv']).toEqual(['date', 'item_id', 'quantity', 'price_base', 'sum_total', 'store_id']);
    expect(RETAIL_COLUMNS['discounts_history.csv']).toEqual([
      'date', 'item_id', 'sale_price_before_promo', 'sale_price_time_promo', 'promo_type_code', 'doc_id', 'number_disc_day', 'store_id',
    ]);
    expect(d.files['catalog.csv']).toMatch(/[а-яА-Я]/);
    expect(d.files['stores.csv']).toMatch(/Москва/);
  });

  it('has at least 150,000 item-store-days by default, with the structure of docs/data.md and the ground truth', () => {
    const d = generateRetailDemo();
    const gt = d.groundTruth;
    expect(gt.itemStoreDays).toBeGreaterThanOrEqual(150_000);
    expect(gt.items).toBeGreaterThanOrEqual(200);
    expect(parseIsoDay(gt.endDate) - parseIsoDay(gt.startDate)).toBeGreaterThanOrEqual(730);
    expect(Object.keys(gt.elasticity).length).toBeGreaterThanOrEqual(10);
    for (const e of Object.values(gt.elasticity)) expect(e).toBeLessThan(0);
    expect(gt.holidayEffects.some((h) => h.name === 'Victory Day')).toBe(true);
    expect(gt.stockouts.length).toBeGreaterThan(100);
    expect(gt.returns).toBeGreaterThan(10);
    expect(gt.launches.length).toBeGreaterThan(5);
    expect(gt.delistings.length).toBeGreaterThan(5);
    expect(d.files['sales.csv']).toMatch(/,-\d/); // returns: negative quantities
    // Promotions dated long after the last day of sales.
    const lastDiscount = d.files['discounts_history.csv'].trim().split('\n').pop() as string;
    expect(lastDiscount.split(',')[1] > gt.endDate).toBe(true);
    expect(parseIsoDay(lastDiscount.split(',')[1]) - parseIsoDay(gt.endDate)).toBeGreaterThan(300);
  });

  it('reproduces earlier days exactly when generating newer days', () => {
    const a = generateRetailDemo({ scale: 0.05, days: 300 });
    const b = generateRetailDemo({ scale: 0.05, days: 330 });
    const rows = (s: string, upTo: string): string[] => s.trim().split('\n').slice(1).map((l) => l.slice(l.indexOf(',') + 1)).filter((l) => l.slice(0, 10) <= upTo);
    const end = a.groundTruth.endDate;
    expect(rows(b.files['sales.csv'], end)).toEqual(rows(a.files['sales.csv'], end));
    expect(b.groundTruth.endDate > end).toBe(true);
    expect(rows(b.files['sales.csv'], '9999').length).toBeGreaterThan(rows(a.files['sales.csv'], end).length);
  });

  it('changes demand only on and after the demand shift date', () => {
    const base = generateRetailDemo({ scale: 0.05, days: 300 });
    const shifted = generateRetailDemo({ scale: 0.05, days: 300, demandShift: { from: '2022-08-01', factor: 0.5, stores: ['1'] } });
    const lines = (s: string): string[] => s.trim().split('\n').slice(1).map((l) => l.slice(l.indexOf(',') + 1));
    const before = (s: string): string[] => lines(s).filter((l) => l.slice(0, 10) < '2022-08-01');
    expect(before(shifted.files['sales.csv'])).toEqual(before(base.files['sales.csv']));
    const qty = (s: string, store: string): number =>
      lines(s).filter((l) => l.slice(0, 10) >= '2022-08-01' && l.endsWith(`,${store}`)).reduce((acc, l) => acc + Number(l.split(',')[2]), 0);
    expect(qty(shifted.files['sales.csv'], '1') / qty(base.files['sales.csv'], '1')).toBeLessThan(0.65);
    expect(qty(shifted.files['sales.csv'], '2')).toBe(qty(base.files['sales.csv'], '2'));
    expect(shifted.groundTruth.demandShift).toEqual({ from: '2022-08-01', factor: 0.5, stores: ['1'] });
  });

  it('refuses bad options', () => {
    expect(() => generateRetailDemo({ scale: 0 })).toThrow(RangeError);
    expect(() => generateRetailDemo({ endDate: '2022-13-01' })).toThrow(RangeError);
  });
});
