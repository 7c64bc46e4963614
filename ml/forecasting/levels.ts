/**
 * Forecast levels (docs/ml.md): a series, a store, a category (department or class) or the total.
 * A level maps every series of a table to the groups it belongs to; aggregates are bottom-up
 * sums over those groups, so they are coherent with the series forecasts by construction.
 */
import { seriesCount, seriesLabel, type DailyTable } from '../data/table';

export type ForecastLevel = 'series' | 'store' | 'category' | 'total';
/** The levels whose groups are named by a key (a store id, `<column>=<value>`, 'total'); a series is named by its index. */
export type GroupLevel = Exclude<ForecastLevel, 'series'>;
export const FORECAST_LEVELS: readonly ForecastLevel[] = Object.freeze(['series', 'store', 'category', 'total']);

/** Catalogue columns that name a category, coarsest first; a category key is `<column>=<value>`. */
export const CATEGORY_COLUMNS: readonly string[] = Object.freeze(['dept_name', 'class_name', 'category']);

/** Whether the table supports a level (store needs a `store` key, category a catalogue column). */
export function levelAvailable(table: DailyTable, level: ForecastLevel): boolean {
  if (level === 'store') return table.keyNames.includes('store');
  if (level === 'category') return CATEGORY_COLUMNS.some((c) => c in table.categorical);
  return true;
}

/**
 * Groups of every series at a level: `groups[s]` lists the keys series s contributes to
 * (one per category column at the category level, so a series sums into its department and its
 * class). The category of a series is read on its last row (catalogue attributes rarely change).
 * @throws RangeError when the table does not support the level.
 */
export function groupsOfSeries(table: DailyTable, level: ForecastLevel): string[][] {
  if (!levelAvailable(table, level)) throw new RangeError(`this dataset has no ${level} level`);
  const n = seriesCount(table);
  const out: string[][] = [];
  const storeKey = table.keyNames.indexOf('store');
  const cats = CATEGORY_COLUMNS.filter((c) => c in table.categorical);
  for (let s = 0; s < n; s++) {
    if (level === 'series') out.push([seriesLabel(table, s)]);
    else if (level === 'total') out.push(['total']);
    else if (level === 'store') out.push([table.keyVocab[storeKey][table.seriesKeys[storeKey][s]]]);
    else {
      const last = table.seriesStart[s + 1] - 1;
      const keys: string[] = [];
      for (const c of cats) {
        const col = table.categorical[c];
        const code = last >= table.seriesStart[s] ? col.codes[last] : -1;
        if (code >= 0) keys.push(`${c}=${col.vocab[code]}`);
      }
      out.push(keys);
    }
  }
  return out;
}

/** One group of a level: its key (at the series level the series' label, for display) and its member series. */
export interface LevelGroup {
  key: string;
  members: number[];
}

const byKey = (a: LevelGroup, b: LevelGroup) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * The groups of a level, keys sorted. At the series level every series is its own group, in
 * label order (ties, which stored key values holding `|` or `=` can make, in index order): a
 * series is never merged with another whose label reads the same.
 * @throws RangeError when the table does not support the level.
 */
export function levelGroups(table: DailyTable, level: ForecastLevel): LevelGroup[] {
  const groups = groupsOfSeries(table, level);
  if (level === 'series') return groups.map(([key], s) => ({ key, members: [s] })).sort(byKey);
  const map = new Map<string, number[]>();
  groups.forEach((keys, s) => {
    for (const k of keys) {
      const m = map.get(k);
      if (m) m.push(s);
      else map.set(k, [s]);
    }
  });
  return [...map.entries()].map(([key, members]) => ({ key, members })).sort(byKey);
}

/** Series indices per group key at a level whose groups are named by a key, keys sorted. */
export function membersByGroup(table: DailyTable, level: GroupLevel): Map<string, number[]> {
  return new Map(levelGroups(table, level).map((g) => [g.key, g.members]));
}
