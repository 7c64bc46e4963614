/**
 * What a person or an API call picks to look at: a store, a category, an item, any combination, or
 * the total. Resolved against a table to its series and rows; the forecast of a selection is the
 * bottom-up sum of its series' forecasts.
 */
import { canonicalSelection, categoryColumnOf, nameBook } from './names';
import { seriesCount, type DailyTable } from './table';

export interface Selection {
  store?: string;
  category?: string;
  item?: string;
}

export interface ResolvedSelection {
  level: 'series' | 'item' | 'store' | 'category' | 'total';
  /** In words, with names: `store 1 (Москва, Гипермаркет), item 6542ab3049ca (Молоко пастеризованное)`. */
  label: string;
  /** The selection as stored ids (an id typed in another case, or a name, resolved). */
  canonical: Selection;
  series: number[];
  /** 1 on the rows of the selected series. */
  mask: Uint8Array;
}

/** The column that holds an item's category, when the table has one. */
export function categoryColumn(t: DailyTable): string | null {
  return categoryColumnOf(t);
}

export class SelectionError extends Error {
  constructor(
    readonly field: keyof Selection,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The series and rows of a selection. Values are matched as `canonicalSelection` does: an id in
 * any case, a name or a label mean the stored value.
 * @throws SelectionError naming the field whose value the table does not have.
 */
export function resolveSelection(t: DailyTable, given: Selection): ResolvedSelection {
  const sel = canonicalSelection(t, given);
  const book = nameBook(t);
  const n = seriesCount(t);
  const keep = new Uint8Array(n).fill(1);
  const parts: string[] = [];
  for (const field of ['store', 'item'] as const) {
    const value = sel[field];
    if (value === undefined) continue;
    const k = t.keyNames.indexOf(field);
    if (k < 0) throw new SelectionError(field, `This dataset has no ${field}.`);
    const code = t.keyVocab[k].indexOf(value);
    if (code < 0) throw new SelectionError(field, `Unknown ${field} "${value}".`);
    for (let s = 0; s < n; s++) if (t.seriesKeys[k][s] !== code) keep[s] = 0;
    const name = book.name(field, value);
    parts.push(name ? `${field} ${value} (${name})` : `${field} ${value}`);
  }
  if (sel.category !== undefined) {
    const col = categoryColumn(t);
    if (!col) throw new SelectionError('category', 'This dataset has no category.');
    const c = t.categorical[col];
    const code = c.vocab.indexOf(sel.category);
    if (code < 0) throw new SelectionError('category', `Unknown category "${sel.category}".`);
    for (let s = 0; s < n; s++) if (keep[s] && c.codes[t.seriesStart[s]] !== code) keep[s] = 0;
    parts.push(`category ${sel.category}`);
  }
  const series: number[] = [];
  const mask = new Uint8Array(t.rows);
  for (let s = 0; s < n; s++) {
    if (!keep[s]) continue;
    series.push(s);
    mask.fill(1, t.seriesStart[s], t.seriesStart[s + 1]);
  }
  const level = sel.item !== undefined ? (sel.store !== undefined || !t.keyNames.includes('store') ? 'series' : 'item') : sel.store !== undefined ? 'store' : sel.category !== undefined ? 'category' : 'total';
  return { level, label: parts.length ? parts.join(', ') : 'all series', canonical: sel, series, mask };
}

/** The values of a key (or of the category column) that the pickers offer, sorted. */
export function pickerValues(t: DailyTable): { stores: string[]; items: string[]; categories: string[] } {
  const key = (name: string) => {
    const k = t.keyNames.indexOf(name);
    return k < 0 ? [] : [...t.keyVocab[k]];
  };
  const col = categoryColumn(t);
  return { stores: key('store'), items: key('item'), categories: col ? [...t.categorical[col].vocab].sort() : [] };
}
