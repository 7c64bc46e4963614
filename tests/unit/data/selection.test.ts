import { describe, it, expect } from 'vitest';
import { generateRetailDemo, RETAIL_FILES } from '@/ml/data/generator';
import { importRetail } from '@/lib/ingest/retail';
import { resolveSelection, pickerValues, SelectionError } from '@/ml/data/selection';

const demo = generateRetailDemo({ seed: 5, scale: 0.05, days: 90 });
const table = importRetail(RETAIL_FILES.map((name) => ({ name, bytes: demo.files[name] }))).table!;

describe('selections', () => {
  it('resolves the total, a store, a category and an item in a store', () => {
    const { stores, items, categories } = pickerValues(table);
    const total = resolveSelection(table, {});
    expect(total.level).toBe('total');
    expect(total.series.length).toBe(table.seriesStart.length - 1);
    const store = resolveSelection(table, { store: stores[0] });
    expect(store.level).toBe('store');
    expect(store.series.length).toBeLessThan(total.series.length);
    const cat = resolveSelection(table, { category: categories[0] });
    expect(cat.level).toBe('category');
    const one = resolveSelection(table, { store: stores[0], item: items.find((i) => resolveSelection(table, { store: stores[0], item: i }).series.length > 0)! });
    expect(one.level).toBe('series');
    expect(one.series).toHaveLength(1);
    // The mask covers exactly the rows of the chosen series.
    const s = one.series[0];
    expect(one.mask.reduce((a, b) => a + b, 0)).toBe(table.seriesStart[s + 1] - table.seriesStart[s]);
  });

  it('names the field of an unknown value', () => {
    expect(() => resolveSelection(table, { store: 'nope' })).toThrow(SelectionError);
    try {
      resolveSelection(table, { category: 'nope' });
    } catch (e) {
      expect((e as SelectionError).field).toBe('category');
    }
  });
});
