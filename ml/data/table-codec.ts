/**
 * A binary columnar file format for DailyTable, so the processed table is stored and reloaded
 * without re-parsing CSV (docs/architecture.md: "CSV or a binary columnar format for datasets").
 *
 * Layout: 8-byte magic `FSTABLE1`, a uint32 (little-endian) header length, the UTF-8 JSON header
 * (zod-checked on read), zero padding to a multiple of 8, then the columns' raw little-endian
 * bytes in header order, each padded to 8 bytes. Column order: day, seriesStart, seriesKeys...,
 * target, numeric..., categorical codes...
 */
import { z } from 'zod';
import type { DailyTable } from './table';

const MAGIC = 'FSTABLE1';

const headerSchema = z.object({
  version: z.literal(1),
  frequency: z.enum(['daily', 'weekly']),
  step: z.union([z.literal(1), z.literal(7)]),
  rows: z.number().int().min(0),
  series: z.number().int().min(0),
  keyNames: z.array(z.string()),
  keyVocab: z.array(z.array(z.string())),
  targetName: z.string(),
  gapTarget: z.number().nullable(),
  numeric: z.array(z.string()),
  categorical: z.array(z.object({ name: z.string(), vocab: z.array(z.string()) })),
});

const pad8 = (n: number): number => (n + 7) & ~7;

/** Encodes a table (little-endian hosts, as every platform Node runs on). */
export function encodeTable(t: DailyTable): Uint8Array {
  const nSeries = t.seriesStart.length - 1;
  const header = {
    version: 1 as const,
    frequency: t.frequency,
    step: t.step,
    rows: t.rows,
    series: nSeries,
    keyNames: [...t.keyNames],
    keyVocab: t.keyVocab.map((v) => [...v]),
    targetName: t.targetName,
    gapTarget: Number.isNaN(t.gapTarget) ? null : t.gapTarget,
    numeric: Object.keys(t.numeric),
    categorical: Object.entries(t.categorical).map(([name, c]) => ({ name, vocab: [...c.vocab] })),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const columns: ArrayBufferView[] = [t.day, t.seriesStart, ...t.seriesKeys, t.target, ...Object.values(t.numeric), ...Object.values(t.categorical).map((c) => c.codes)];
  const start = pad8(12 + json.length);
  const total = columns.reduce((acc, c) => acc + pad8(c.byteLength), start);
  const out = new Uint8Array(total);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  let off = start;
  for (const c of columns) {
    out.set(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), off);
    off += pad8(c.byteLength);
  }
  return out;
}

/**
 * Decodes a table written by `encodeTable`. Columns are copied out of the input.
 * @throws RangeError on a wrong magic, a truncated file or sizes that do not add up; ZodError on a bad header.
 */
export function decodeTable(bytes: Uint8Array): DailyTable {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw new RangeError('not a Foresight table file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(8, true);
  if (12 + jsonLength > bytes.length) throw new RangeError('truncated table file (header)');
  const h = headerSchema.parse(JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + jsonLength))));
  if (h.keyVocab.length !== h.keyNames.length) throw new RangeError('table file: key vocabularies do not match the keys');
  let off = pad8(12 + jsonLength);
  const take = <T extends Int32Array | Float64Array>(Ctor: { new (n: number): T; BYTES_PER_ELEMENT: number }, n: number): T => {
    const len = n * Ctor.BYTES_PER_ELEMENT;
    if (off + len > bytes.length) throw new RangeError('truncated table file (columns)');
    const out = new Ctor(n);
    new Uint8Array(out.buffer).set(bytes.subarray(off, off + len));
    off += pad8(len);
    return out;
  };
  const day = take(Int32Array, h.rows);
  const seriesStart = take(Int32Array, h.series + 1);
  if (seriesStart[0] !== 0 || seriesStart[h.series] !== h.rows) throw new RangeError('table file: series offsets do not cover the rows');
  const seriesKeys = h.keyNames.map(() => take(Int32Array, h.series));
  const target = take(Float64Array, h.rows);
  const numeric: Record<string, Float64Array> = {};
  for (const n of h.numeric) numeric[n] = take(Float64Array, h.rows);
  const categorical: DailyTable['categorical'] = Object.fromEntries(h.categorical.map((c) => [c.name, { codes: take(Int32Array, h.rows), vocab: c.vocab }]));
  return {
    frequency: h.frequency,
    step: h.step,
    rows: h.rows,
    keyNames: h.keyNames,
    keyVocab: h.keyVocab,
    seriesKeys,
    seriesStart,
    day,
    targetName: h.targetName,
    target,
    gapTarget: h.gapTarget ?? NaN,
    numeric,
    categorical,
  };
}
