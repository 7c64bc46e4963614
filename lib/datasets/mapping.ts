import type { CsvPreview } from '../ingest/generic';
import type { AttributeJoin, GenericMapping } from '../schemas/ingest';

/**
 * Parses the CLI's column mapping, e.g. `date=Date,store=Store,target=Weekly_Sales,numeric=*`:
 * `date` and `target` name their columns; `numeric=A+B` and `categorical=C+D` list regressors
 * (`numeric=*` takes every other column detected as numbers); any other `key=Column` is a series key.
 * @throws Error naming the bad part.
 */
export function parseMappingArg(text: string, preview: Pick<CsvPreview, 'columns' | 'types'>): GenericMapping {
  const mapping: { date?: string; target?: string; keys: Record<string, string>; numeric: string[]; categorical: string[] } = { keys: {}, numeric: [], categorical: [] };
  let numericRest = false;
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`"${part}" is not name=Column`);
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (!value) throw new Error(`"${part}" names no column`);
    const columns = value.split('+').map((c) => c.trim());
    for (const c of columns) if (c !== '*' && !preview.columns.includes(c)) throw new Error(`column "${c}" is not in the file (it has: ${preview.columns.join(', ')})`);
    if (name === 'date') mapping.date = value;
    else if (name === 'target') mapping.target = value;
    else if (name === 'numeric') {
      if (value === '*') numericRest = true;
      else mapping.numeric.push(...columns);
    } else if (name === 'categorical') mapping.categorical.push(...columns);
    else if (/^[a-z][a-z0-9_]*$/.test(name)) mapping.keys[name] = value;
    else throw new Error(`"${name}" is not a valid series key name (lower-case letters, digits, _)`);
  }
  if (!mapping.date) throw new Error('the mapping needs date=<column>');
  if (!mapping.target) throw new Error('the mapping needs target=<column>');
  if (numericRest) {
    const used = new Set([mapping.date, mapping.target, ...Object.values(mapping.keys), ...mapping.numeric, ...mapping.categorical]);
    mapping.numeric.push(...preview.columns.filter((c) => !used.has(c) && preview.types[c] === 'number'));
  }
  return { date: mapping.date, target: mapping.target, keys: mapping.keys, numeric: mapping.numeric, categorical: mapping.categorical };
}

/** Parses `--join stores.csv:store=store_nbr` (attribute file, series key, its column in the file). */
export function parseJoinArg(text: string): AttributeJoin {
  const m = /^([^:]+):([a-z][a-z0-9_]*)=(.+)$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not file.csv:key=column`);
  return { name: m[1], key: m[2], column: m[3] };
}
