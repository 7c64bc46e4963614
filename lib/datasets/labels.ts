/**
 * Display labels of a dataset's columns, and what its figures measure: "Store × Department", not
 * "store × dept_name"; "Units sold" and "Revenue (USD)", not "quantity" and "sum_total". A label
 * comes from the import wizard's mapping when one was set there (generic CSVs), else from the
 * known names of the retail format, else from the column's name made readable (`Weekly_Sales`
 * -> Weekly sales). Pure: the pages, the PDF reports and the charts' props use it alike.
 */
import type { DailyTable } from '@/ml/data/table';
import type { Measure, MeasureUnit } from '../format';

/** The retail format's columns (and common generic ones) by the names people use. */
const KNOWN: Readonly<Record<string, string>> = {
  store: 'Store',
  store_id: 'Store',
  item: 'Item',
  item_id: 'Item',
  date: 'Date',
  quantity: 'Units sold',
  qty: 'Units sold',
  sum_total: 'Revenue',
  revenue: 'Revenue',
  price: 'Price',
  price_base: 'Base price',
  online_qty: 'Online units',
  markdown_qty: 'Marked-down units',
  markdown_price: 'Markdown price',
  promo: 'On promotion',
  promo_depth: 'Promotion depth',
  promo_day: 'Day of promotion',
  dept_name: 'Department',
  class_name: 'Class',
  subclass_name: 'Subclass',
  item_type: 'Item type',
  weight_volume: 'Volume',
  weight_netto: 'Net weight',
  fatness: 'Fat content',
  division: 'Division',
  format: 'Store format',
  city: 'City',
  area: 'Sales area',
  category: 'Category',
};

/** A column name as words: `Weekly_Sales` -> Weekly sales, `dept_name` -> Dept name, `CPI` stays CPI, `unitPrice` -> Unit price. */
export function readableName(column: string): string {
  const words = column
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_\-.]+/)
    .filter(Boolean)
    // An acronym keeps its capitals; other words are lower case, the first one capitalised.
    .map((w) => (w.length > 1 && w === w.toUpperCase() && /[A-Z]/.test(w) ? w : w.toLowerCase()));
  if (words.length === 0) return column;
  words[0] = words[0].charAt(0).toUpperCase() + words[0].slice(1);
  return words.join(' ');
}

/** The default display label of a column: a known name, else the name as words. */
export function defaultLabel(column: string): string {
  return KNOWN[column.toLowerCase()] ?? readableName(column);
}

/** What a column most likely counts, from its name: money (sales, revenue), units (quantity) or a plain number. */
export function guessUnit(column: string): MeasureUnit {
  const n = column.toLowerCase();
  if (/(^|[^a-z])(qty|quantity|units?|pieces|pcs|count)([^a-z]|$)/.test(n) || /units|quantity/.test(n)) return 'units';
  if (/sales|revenue|turnover|amount|sum_total|income|price|cost|usd|eur|gbp|rub/.test(n)) return 'currency';
  return 'number';
}

const MEASURE_UNITS: readonly MeasureUnit[] = ['currency', 'units', 'number'];

/** A measure of a table: the target, or revenue where the table has it beside units. */
export interface DatasetMeasure extends Measure {
  /** `target`, or the numeric column it sums (`sum_total`). */
  id: 'units' | 'revenue' | 'target';
  column: string | null;
}

export interface DatasetLabels {
  /** The display label of a column: a key, an attribute, a numeric column or the target. */
  label(column: string): string;
  /** What the target counts, e.g. { label: 'Units sold', unit: 'units' } or { label: 'Weekly sales', unit: 'currency' }. */
  target: DatasetMeasure;
  /** Revenue, when the table has it beside a target of units (the retail format's sum_total). */
  revenue: DatasetMeasure | null;
  /** The measures a person can switch between: the target first. */
  measures: DatasetMeasure[];
}

type TableNames = Pick<DailyTable, 'keyNames' | 'targetName' | 'numeric' | 'categorical'>;

/**
 * The labels of a table. `mapping` is the stored generic mapping (dataset manifest), whose
 * `labels` (source column -> label) and `targetUnit` the import wizard sets; keys are named in
 * the table by their key name (`store`) and in the file by their source column (`Store`).
 */
export function datasetLabels(table: TableNames, mapping: Record<string, unknown> | null | undefined): DatasetLabels {
  const set = mapping && typeof mapping.labels === 'object' && mapping.labels !== null ? (mapping.labels as Record<string, unknown>) : {};
  const keys = mapping && typeof mapping.keys === 'object' && mapping.keys !== null ? (mapping.keys as Record<string, unknown>) : {};
  const chosen = (column: string): string | undefined => {
    const source = typeof keys[column] === 'string' ? (keys[column] as string) : column;
    const v = set[source] ?? set[column];
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  const label = (column: string) => chosen(column) ?? defaultLabel(column);
  const unitSet = mapping?.targetUnit;
  const targetUnit = typeof unitSet === 'string' && (MEASURE_UNITS as readonly string[]).includes(unitSet) ? (unitSet as MeasureUnit) : guessUnit(table.targetName);
  const target: DatasetMeasure = { id: targetUnit === 'units' ? 'units' : 'target', column: null, label: label(table.targetName), unit: targetUnit };
  const revenueColumn = targetUnit !== 'currency' ? ['sum_total', 'revenue'].find((c) => c in table.numeric) : undefined;
  const revenue: DatasetMeasure | null = revenueColumn ? { id: 'revenue', column: revenueColumn, label: label(revenueColumn), unit: 'currency' } : null;
  return { label, target, revenue, measures: revenue ? [target, revenue] : [target] };
}
