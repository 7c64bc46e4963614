import { describe, it, expect } from 'vitest';
import { generateRetailDemo, RETAIL_FILES } from '@/ml/data/generator';
import { importRetail } from '@/lib/ingest/retail';
import { importGeneric } from '@/lib/ingest/generic';
import { canonicalSelection, nameBook, pickerOptions, valueLabel } from '@/ml/data/names';
import { resolveSelection, SelectionError } from '@/ml/data/selection';
import { seriesCount, type DailyTable } from '@/ml/data/table';
import { tinyRetail } from './helpers';

const demo = generateRetailDemo({ seed: 5, scale: 0.05, days: 90 });
const table = importRetail(RETAIL_FILES.map((name) => ({ name, bytes: demo.files[name] }))).table!;
const tiny = importRetail(tinyRetail()).table!;

/** The stores (ids) selling each item, straight from the series. */
function storesOf(t: DailyTable, item: string): Set<string> {
  const [sk, ik] = [t.keyNames.indexOf('store'), t.keyNames.indexOf('item')];
  const out = new Set<string>();
  for (let s = 0; s < seriesCount(t); s++) if (t.keyVocab[ik][t.seriesKeys[ik][s]] === item) out.add(t.keyVocab[sk][t.seriesKeys[sk][s]]);
  return out;
}

describe('display names of stores and items', () => {
  it('names items by their catalogue subclass and stores by city and format, with the id', () => {
    const book = nameBook(tiny);
    expect(book.name('item', 'a1')).toBe('Молоко пастеризованное');
    expect(book.label('item', 'a1')).toBe('Молоко пастеризованное (a1)');
    expect(book.name('store', '1')).toBe('Москва, Гипермаркет');
    expect(book.label('store', '2')).toBe('2 (Казань, Супермаркет)');
    expect(valueLabel(tiny, 'item', 'b2')).toBe('Гречка (b2)');
    expect(valueLabel(tiny, 'dept_name', 'Бакалея')).toBe('Бакалея');
    // An unknown id reads as it is.
    expect(book.label('item', 'zz')).toBe('zz');
  });

  it('a generic dataset: its name column, or the id alone', () => {
    const csv = 'date,store,sku,product_name,qty\n2024-01-01,S1,X-1,Red apples,3\n2024-01-01,S1,X-2,Green pears,4\n2024-01-02,S1,X-1,Red apples,5\n2024-01-02,S1,X-2,Green pears,2\n';
    const r = importGeneric({ name: 'g.csv', bytes: new TextEncoder().encode(csv) }, { date: 'date', target: 'qty', keys: { store: 'store', item: 'sku' }, categorical: ['product_name'] });
    const book = nameBook(r.table!);
    expect(book.label('item', 'X-2')).toBe('Green pears (X-2)');
    expect(book.label('store', 'S1')).toBe('S1');
    expect(book.resolve('item', 'red APPLES')).toBe('X-1');
    expect(book.resolve('item', 'x-1')).toBe('X-1');
  });

  it('a name several items share resolves to none of them (the id tells them apart)', () => {
    const csv = 'date,item,item_name,qty\n2024-01-01,A,Milk,1\n2024-01-01,B,Milk,2\n2024-01-01,C,Bread,3\n2024-01-02,A,Milk,1\n2024-01-02,B,Milk,2\n2024-01-02,C,Bread,3\n';
    const r = importGeneric({ name: 'g.csv', bytes: new TextEncoder().encode(csv) }, { date: 'date', target: 'qty', keys: { item: 'item' }, categorical: ['item_name'] });
    const book = nameBook(r.table!);
    expect(book.resolve('item', 'milk')).toBeNull();
    expect(book.resolve('item', 'Milk (B)')).toBe('B');
    expect(book.resolve('item', 'bread')).toBe('C');
  });

  it('resolves an id in any case, a label, a text ending in (id) and a name only one value has', () => {
    const book = nameBook(table);
    const item = book.items[0];
    expect(book.resolve('item', item.id)).toBe(item.id);
    expect(book.resolve('item', item.id.toUpperCase())).toBe(item.id);
    expect(book.resolve('item', `  ${item.label.toUpperCase()} `)).toBe(item.id);
    expect(book.resolve('item', `whatever it was called (${item.id.toUpperCase()})`)).toBe(item.id);
    const unique = book.items.find((i) => book.items.filter((j) => j.name === i.name).length === 1)!;
    expect(book.resolve('item', unique.name!.toUpperCase())).toBe(unique.id);
    expect(book.resolve('store', book.stores[0].label)).toBe(book.stores[0].id);
    expect(book.resolve('category', 'бакалея')).toBe('Бакалея');
    expect(book.resolve('item', 'no such thing')).toBeNull();
  });

  it('a selection typed in capitals resolves to the stored ids, named in its label; an unknown one is still refused', () => {
    const item = nameBook(table).items[3];
    const sel = resolveSelection(table, { item: item.id.toUpperCase() });
    expect(sel.canonical.item).toBe(item.id);
    expect(sel.series.length).toBeGreaterThan(0);
    expect(sel.label).toBe(`item ${item.id} (${item.name})`);
    expect(canonicalSelection(table, { store: '1', item: 'nope' })).toEqual({ store: '1', item: 'nope' });
    expect(() => resolveSelection(table, { item: 'nope' })).toThrow(SelectionError);
  });

  it('the pickers link: each item lists exactly the stores that sell it, and its category', () => {
    const options = pickerOptions(table);
    expect(options.stores.map((s) => s.id)).toEqual(nameBook(table).stores.map((s) => s.id));
    expect(options.items.length).toBe(nameBook(table).items.length);
    for (const it of options.items) {
      expect(new Set(it.stores.map((i) => options.stores[i].id))).toEqual(storesOf(table, it.id));
      expect(options.categories).toContain(it.category);
    }
    // Some item is not sold in every store, so narrowing by store matters.
    expect(options.items.some((i) => i.stores.length < options.stores.length)).toBe(true);
    // Every item offered for a store and a category has a series there.
    const store = options.stores[2];
    const category = options.categories[0];
    const offered = options.items.filter((i) => i.stores.includes(2) && i.category === category);
    expect(offered.length).toBeGreaterThan(0);
    for (const i of offered) expect(resolveSelection(table, { store: store.id, category, item: i.id }).series.length).toBe(1);
  });
});
