/**
 * Display names of a table's stores and items, and the lookup that turns what a person typed (an
 * id in any case, a name, or a label as the pickers show it) back into the stored id.
 *
 * An item's name is its catalogue name: a name column of a generic dataset (item_name,
 * product_name, name, ...) or, in the retailer's catalogue, which has none, its subclass. A store's
 * name is its city and format (or a store_name column). Both are shown with the id, because names
 * repeat (several items share a subclass) and ids are what other systems use.
 *
 * Pure and cached per table object (tables are immutable once built).
 */
import type { Selection } from './selection';
import { seriesCount, type DailyTable } from './table';

/** Columns naming an item, most specific first (compared without regard to case). */
export const ITEM_NAME_COLUMNS: readonly string[] = ['item_name', 'product_name', 'name', 'product', 'description', 'title', 'subclass_name'];
/** A column naming a store on its own. */
const STORE_NAME_COLUMNS: readonly string[] = ['store_name', 'name'];
/** Columns that together describe a store when it has no name column: its city, then its format. */
const STORE_DESCRIPTION_COLUMNS: readonly string[] = ['city', 'format', 'type'];
/** The column holding an item's category (the first present), as the pickers use it. */
const CATEGORY_COLUMNS: readonly string[] = ['dept_name', 'category', 'class_name'];

export type NamedField = 'store' | 'item';

/** One store or item: its stored id, its name when the data has one, and how pickers and charts show it. */
export interface NamedValue {
  id: string;
  name: string | null;
  /** `Молоко пастеризованное (6542ab3049ca)` for an item, `1 (Москва, Гипермаркет)` for a store; the id alone without a name. */
  label: string;
}

/** An item as the Forecasts picker offers it: with its category and the stores (indices into `stores`) that sell it. */
export interface PickerItem extends NamedValue {
  category: string | null;
  stores: number[];
}

export interface PickerOptions {
  stores: NamedValue[];
  categories: string[];
  items: PickerItem[];
}

/** Names and lookups of one table. */
export interface NameBook {
  /** Stores and items in the table's key order (empty when the table has no such key). */
  readonly stores: readonly NamedValue[];
  readonly items: readonly NamedValue[];
  /** The value's name, or null (no name column, or an unknown id). */
  name(field: NamedField, id: string): string | null;
  /** The value's label (name and id); the id itself when it has no name. */
  label(field: NamedField, id: string): string;
  /**
   * The stored id that `text` means: the id in any case, the label as shown, a text ending in
   * `(id)`, or a name only one value has (any case). null when nothing or several match.
   */
  resolve(field: NamedField | 'category', text: string): string | null;
}

const lower = (s: string) => s.trim().toLocaleLowerCase('en');

/** The categorical column whose name is one of `names` (any case), in the order of `names`. */
function findColumn(t: DailyTable, names: readonly string[]): string | null {
  const byLower = new Map(Object.keys(t.categorical).map((c) => [c.toLowerCase(), c]));
  for (const n of names) {
    const c = byLower.get(n);
    if (c) return c;
  }
  return null;
}

/** The category column of a table, when it has one (dept_name, category or class_name). */
export function categoryColumnOf(t: DailyTable): string | null {
  return CATEGORY_COLUMNS.find((c) => c in t.categorical) ?? null;
}

/** Per value of key `k`, the value of each column at the last row (with a value) of its first series. */
function attributesOfKey(t: DailyTable, k: number, columns: readonly string[]): (string | null)[][] {
  const vocab = t.keyVocab[k];
  const out = vocab.map(() => columns.map((): string | null => null));
  const seen = new Uint8Array(vocab.length);
  for (let s = 0; s < seriesCount(t); s++) {
    const code = t.seriesKeys[k][s];
    if (seen[code]) continue;
    seen[code] = 1;
    columns.forEach((name, j) => {
      const c = t.categorical[name];
      for (let r = t.seriesStart[s + 1] - 1; r >= t.seriesStart[s]; r--) {
        if (c.codes[r] >= 0) {
          out[code][j] = c.vocab[c.codes[r]];
          break;
        }
      }
    });
  }
  return out;
}

function storeNames(t: DailyTable, k: number): (string | null)[] {
  const own = findColumn(t, STORE_NAME_COLUMNS);
  if (own) return attributesOfKey(t, k, [own]).map((a) => a[0]);
  const parts = STORE_DESCRIPTION_COLUMNS.map((c) => findColumn(t, [c])).filter((c): c is string => c !== null).slice(0, 2);
  if (parts.length === 0) return t.keyVocab[k].map(() => null);
  return attributesOfKey(t, k, parts).map((a) => {
    const known = a.filter((x): x is string => x !== null && x.trim() !== '');
    return known.length ? known.join(', ') : null;
  });
}

function itemNames(t: DailyTable, k: number): (string | null)[] {
  const col = findColumn(t, ITEM_NAME_COLUMNS);
  return col ? attributesOfKey(t, k, [col]).map((a) => a[0]) : t.keyVocab[k].map(() => null);
}

const itemLabel = (id: string, name: string | null) => (name ? `${name} (${id})` : id);
const storeLabel = (id: string, name: string | null) => (name ? `${id} (${name})` : id);

interface Index {
  exact: Set<string>;
  /** Lower-cased id, label or name -> the id; null when several values share it. */
  ids: Map<string, string | null>;
  labels: Map<string, string | null>;
  names: Map<string, string | null>;
}

function looseMap(pairs: readonly (readonly [string | null, string])[]): Map<string, string | null> {
  const map = new Map<string, string | null>();
  for (const [key, id] of pairs) {
    if (key === null || lower(key) === '') continue;
    const k = lower(key);
    const prev = map.get(k);
    map.set(k, prev === undefined || prev === id ? id : null);
  }
  return map;
}

function indexOf(values: readonly NamedValue[]): Index {
  return {
    exact: new Set(values.map((v) => v.id)),
    ids: looseMap(values.map((v) => [v.id, v.id] as const)),
    labels: looseMap(values.map((v) => [v.label, v.id] as const)),
    names: looseMap(values.map((v) => [v.name, v.id] as const)),
  };
}

/** An id first (exactly, then in any case), then a label, then `... (id)`, then a name only one value has. */
function lookup(index: Index, text: string): string | null {
  const t = text.trim();
  if (t === '') return null;
  if (index.exact.has(t)) return t;
  const k = lower(t);
  const byId = index.ids.get(k) ?? index.labels.get(k);
  if (byId) return byId;
  const inParens = /\(([^()]+)\)\s*$/.exec(t) ?? /^([^\s()]+)\s*\(/.exec(t);
  const inner = inParens ? index.ids.get(lower(inParens[1])) : undefined;
  if (inner) return inner;
  return index.names.get(k) ?? null;
}

const books = new WeakMap<DailyTable, NameBook>();

/** The names and lookups of a table (computed once per table). */
export function nameBook(t: DailyTable): NameBook {
  const cached = books.get(t);
  if (cached) return cached;
  const values = (field: NamedField): NamedValue[] => {
    const k = t.keyNames.indexOf(field);
    if (k < 0) return [];
    const names = field === 'store' ? storeNames(t, k) : itemNames(t, k);
    return t.keyVocab[k].map((id, i) => ({ id, name: names[i], label: (field === 'store' ? storeLabel : itemLabel)(id, names[i]) }));
  };
  const stores = values('store');
  const items = values('item');
  const indexes = { store: indexOf(stores), item: indexOf(items) };
  const byId = { store: new Map(stores.map((v) => [v.id, v])), item: new Map(items.map((v) => [v.id, v])) };
  let categories: Index | null = null;
  const book: NameBook = {
    stores,
    items,
    name: (field, id) => byId[field].get(id)?.name ?? byId[field].get(lookup(indexes[field], id) ?? '')?.name ?? null,
    label: (field, id) => {
      const v = byId[field].get(id) ?? byId[field].get(lookup(indexes[field], id) ?? '');
      return v ? v.label : id;
    },
    resolve: (field, text) => {
      if (field !== 'category') return lookup(indexes[field], text);
      if (!categories) {
        const col = categoryColumnOf(t);
        categories = indexOf((col ? t.categorical[col].vocab : []).map((v) => ({ id: v, name: null, label: v })));
      }
      return lookup(categories, text);
    },
  };
  books.set(t, book);
  return book;
}

/**
 * The selection with each value replaced by the stored id it means (an id in another case, a
 * name, a label); a value that matches nothing is left as given, so the caller reports it.
 */
export function canonicalSelection(t: DailyTable, sel: Selection): Selection {
  const book = nameBook(t);
  const out: Selection = {};
  for (const field of ['store', 'category', 'item'] as const) {
    const v = sel[field];
    if (v !== undefined) out[field] = book.resolve(field, v) ?? v;
  }
  return out;
}

/**
 * What the Forecasts pickers offer: stores and items with their labels, the categories, and per
 * item its category and the stores that sell it, so choosing a store and a category narrows the
 * items to those sold there.
 */
export function pickerOptions(t: DailyTable): PickerOptions {
  const book = nameBook(t);
  const col = categoryColumnOf(t);
  const sk = t.keyNames.indexOf('store');
  const ik = t.keyNames.indexOf('item');
  const items: PickerItem[] = book.items.map((v) => ({ ...v, category: null, stores: [] }));
  if (ik >= 0) {
    const storeSets = items.map(() => new Set<number>());
    for (let s = 0; s < seriesCount(t); s++) {
      const it = items[t.seriesKeys[ik][s]];
      if (sk >= 0) storeSets[t.seriesKeys[ik][s]].add(t.seriesKeys[sk][s]);
      if (col && it.category === null) {
        const c = t.categorical[col];
        const code = c.codes[t.seriesStart[s + 1] - 1];
        if (code >= 0) it.category = c.vocab[code];
      }
    }
    items.forEach((it, i) => (it.stores = [...storeSets[i]].sort((a, b) => a - b)));
  }
  items.sort((a, b) => a.label.localeCompare(b.label, 'ru'));
  return { stores: [...book.stores], categories: col ? [...t.categorical[col].vocab].sort() : [], items };
}

/** How a value of a grouping column reads: a store or item with its name and id, any other value as it is. */
export function valueLabel(t: DailyTable, column: string, value: string): string {
  return column === 'store' || column === 'item' ? nameBook(t).label(column, value) : value;
}

/** The category (dept_name, category or class_name) of an item, from its first series; null when unknown. */
export function itemCategory(t: DailyTable, id: string): string | null {
  const col = categoryColumnOf(t);
  const ik = t.keyNames.indexOf('item');
  const code = ik < 0 ? -1 : t.keyVocab[ik].indexOf(id);
  if (!col || code < 0) return null;
  const c = t.categorical[col];
  for (let s = 0; s < seriesCount(t); s++) {
    if (t.seriesKeys[ik][s] !== code) continue;
    const v = c.codes[t.seriesStart[s + 1] - 1];
    return v >= 0 ? c.vocab[v] : null;
  }
  return null;
}
