import type { CategoricalColumn, DailyTable } from '@/ml/data/table';

/**
 * The binary columnar file of a processed table: `FSTB` magic, a 4-byte header length, a JSON
 * header (shape, names, vocabularies, and each typed array's byte offset and length), then the
 * arrays' bytes, each aligned to 8 bytes so they are read back as views without copying.
 */
const MAGIC = 'FSTB';
const VERSION = 1;

type ArrayKind = 'i32' | 'f64';
interface ArrayRef {
  kind: ArrayKind;
  offset: number;
  length: number;
}

interface Header {
  version: number;
  frequency: DailyTable['frequency'];
  step: DailyTable['step'];
  rows: number;
  keyNames: string[];
  keyVocab: string[][];
  targetName: string;
  gapTarget: number | null;
  seriesKeys: ArrayRef[];
  seriesStart: ArrayRef;
  day: ArrayRef;
  target: ArrayRef;
  numeric: Record<string, ArrayRef>;
  categorical: Record<string, { codes: ArrayRef; vocab: string[] }>;
}

export function encodeTable(t: DailyTable): Buffer {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const add = (a: Int32Array | Float64Array): ArrayRef => {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const ref: ArrayRef = { kind: a instanceof Int32Array ? 'i32' : 'f64', offset, length: a.length };
    chunks.push(bytes);
    offset += bytes.byteLength;
    const pad = (8 - (offset % 8)) % 8;
    if (pad) {
      chunks.push(new Uint8Array(pad));
      offset += pad;
    }
    return ref;
  };
  const header: Header = {
    version: VERSION,
    frequency: t.frequency,
    step: t.step,
    rows: t.rows,
    keyNames: [...t.keyNames],
    keyVocab: t.keyVocab.map((v) => [...v]),
    targetName: t.targetName,
    gapTarget: Number.isNaN(t.gapTarget) ? null : t.gapTarget,
    seriesKeys: t.seriesKeys.map(add),
    seriesStart: add(t.seriesStart),
    day: add(t.day),
    target: add(t.target),
    numeric: Object.fromEntries(Object.entries(t.numeric).map(([k, v]) => [k, add(v)])),
    categorical: Object.fromEntries(Object.entries(t.categorical).map(([k, c]) => [k, { codes: add(c.codes), vocab: [...c.vocab] }])),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(headerBytes.length, 4);
  const headPad = (8 - ((8 + headerBytes.length) % 8)) % 8;
  return Buffer.concat([prefix, headerBytes, Buffer.alloc(headPad), ...chunks]);
}

/** @throws Error when the bytes are not a table file of a known version. */
export function decodeTable(bytes: Buffer): DailyTable {
  if (bytes.length < 8 || bytes.toString('latin1', 0, 4) !== MAGIC) throw new Error('not a Foresight table file');
  const headerLength = bytes.readUInt32LE(4);
  const header = JSON.parse(bytes.toString('utf8', 8, 8 + headerLength)) as Header;
  if (header.version !== VERSION) throw new Error(`table file version ${header.version} is not supported`);
  const base = 8 + headerLength + ((8 - ((8 + headerLength) % 8)) % 8);
  // Copy into an 8-aligned buffer of our own: views need aligned offsets.
  const body = new ArrayBuffer(bytes.length - base);
  new Uint8Array(body).set(bytes.subarray(base));
  const i32 = (r: ArrayRef) => new Int32Array(body, r.offset, r.length);
  const f64 = (r: ArrayRef) => new Float64Array(body, r.offset, r.length);
  const categorical: Record<string, CategoricalColumn> = {};
  for (const [k, c] of Object.entries(header.categorical)) categorical[k] = { codes: i32(c.codes), vocab: c.vocab };
  return {
    frequency: header.frequency,
    step: header.step,
    rows: header.rows,
    keyNames: header.keyNames,
    keyVocab: header.keyVocab,
    seriesKeys: header.seriesKeys.map(i32),
    seriesStart: i32(header.seriesStart),
    day: i32(header.day),
    targetName: header.targetName,
    target: f64(header.target),
    gapTarget: header.gapTarget === null ? NaN : header.gapTarget,
    numeric: Object.fromEntries(Object.entries(header.numeric).map(([k, r]) => [k, f64(r)])),
    categorical,
  };
}
