import { inflateSync } from 'node:zlib';

/**
 * Structural checks of the image formats the app accepts (PNG, JPEG, WebP), without an image
 * library. A file whose first bytes look right can still be damaged further in, and a damaged
 * image is not harmless: pdfkit inflates PNG data in a zlib callback that throws where nobody can
 * catch it, so one bad byte in a logo used to hang every report of the tenant. These checks run
 * on upload (lib/branding.ts) and again before a stored logo is drawn (lib/reports/pdf.ts).
 */

export type ImageType = 'image/png' | 'image/jpeg' | 'image/webp';

/** What a PNG's header says, for callers that must know which PNG forms they can draw. */
export interface PngInfo {
  bitDepth: number;
  colorType: number;
  interlaced: boolean;
  /** A tRNS chunk is present (palette or colour-key transparency). */
  transparency: boolean;
}

export type ImageCheck = { ok: true; type: ImageType; width: number; height: number; png?: PngInfo } | { ok: false; reason: string };

/** Largest decoded (inflated) PNG data accepted: bounds the work and memory of one check. */
export const MAX_DECODED_BYTES = 32 * 1024 * 1024;

const fail = (reason: string): ImageCheck => ({ ok: false, reason });

/**
 * Checks that `bytes` really are an image of `type`: a PNG is decoded (chunks, CRCs, the whole
 * zlib stream, its size against the header, every scanline's filter byte), a JPEG walked from
 * start-of-image to end-of-image with a frame header and entropy-coded data, a WebP's RIFF
 * container and its VP8/VP8L/VP8X header read. The reason of a failure is a short phrase for a
 * person ("the file is cut short").
 */
export function checkImage(bytes: Uint8Array, type: ImageType): ImageCheck {
  if (type === 'image/png') return checkPng(bytes);
  if (type === 'image/jpeg') return checkJpeg(bytes);
  return checkWebp(bytes);
}

// ---------------------------------------------------------------- PNG (ISO/IEC 15948)

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

let crcTable: Uint32Array | undefined;

/** CRC-32 (ISO 3309) as PNG uses it; node:zlib's crc32 only exists from Node 20.15/22.2. */
function crc32(bytes: Uint8Array, from: number, to: number): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = from; i < to; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const u32be = (b: Uint8Array, i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
const u16be = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u16le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const u24le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
const u32le = (b: Uint8Array, i: number) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
const fourCC = (b: Uint8Array, i: number) => String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3]);

/** Channels per colour type; the bit depths each allows. */
const PNG_COLOR_TYPES: Record<number, { channels: number; depths: number[] }> = {
  0: { channels: 1, depths: [1, 2, 4, 8, 16] },
  2: { channels: 3, depths: [8, 16] },
  3: { channels: 1, depths: [1, 2, 4, 8] },
  4: { channels: 2, depths: [8, 16] },
  6: { channels: 4, depths: [8, 16] },
};

/** Adam7 passes: x0, y0, dx, dy. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** The (width, height) of each reduced image the decoder reads, in order; one for a plain image. */
function pngPasses(width: number, height: number, interlaced: boolean): [number, number][] {
  if (!interlaced) return [[width, height]];
  return ADAM7.map(([x0, y0, dx, dy]): [number, number] => [Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)]).filter(([w, h]) => w > 0 && h > 0);
}

function checkPng(b: Uint8Array): ImageCheck {
  if (b.length < 8 || PNG_SIGNATURE.some((v, i) => b[i] !== v)) return fail('it does not start with the PNG signature');
  let pos = 8;
  let header: { width: number; height: number; bitDepth: number; colorType: number; interlaced: boolean } | undefined;
  let palette = false;
  let transparency = false;
  let idatState: 'before' | 'in' | 'after' = 'before';
  const idat: Uint8Array[] = [];
  for (;;) {
    if (pos + 12 > b.length) return fail('the file is cut short before its end chunk (IEND)');
    const length = u32be(b, pos);
    const type = fourCC(b, pos + 4);
    if (length > 0x7fffffff || pos + 12 + length > b.length) return fail(`the ${JSON.stringify(type)} chunk runs past the end of the file`);
    if (!/^[A-Za-z]{4}$/.test(type)) return fail('a chunk has an invalid type');
    const data = b.subarray(pos + 8, pos + 8 + length);
    if (crc32(b, pos + 4, pos + 8 + length) !== u32be(b, pos + 8 + length)) return fail(`the checksum of its ${type} chunk is wrong`);
    pos += 12 + length;
    if (!header && type !== 'IHDR') return fail('it does not begin with a header chunk (IHDR)');
    if (idatState === 'in' && type !== 'IDAT') idatState = 'after';
    switch (type) {
      case 'IHDR': {
        if (header) return fail('it has two header chunks');
        if (length !== 13) return fail('its header chunk has the wrong size');
        const width = u32be(data, 0);
        const height = u32be(data, 4);
        const [bitDepth, colorType, compression, filter, interlace] = data.subarray(8, 13);
        const color = PNG_COLOR_TYPES[colorType];
        if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) return fail('its header gives no size');
        if (!color || !color.depths.includes(bitDepth)) return fail(`its header gives an impossible colour type and bit depth (${colorType}, ${bitDepth})`);
        if (compression !== 0 || filter !== 0 || interlace > 1) return fail('its header names an unknown compression, filter or interlace method');
        header = { width, height, bitDepth, colorType, interlaced: interlace === 1 };
        break;
      }
      case 'PLTE':
        if (palette || idatState !== 'before') return fail('its palette is misplaced');
        if (length === 0 || length % 3 !== 0 || length > 768) return fail('its palette has the wrong size');
        palette = true;
        break;
      case 'tRNS':
        if (idatState !== 'before') return fail('its transparency chunk is misplaced');
        transparency = true;
        break;
      case 'IDAT':
        if (idatState === 'after') return fail('its image data is split by other chunks');
        idatState = 'in';
        idat.push(data);
        break;
      case 'IEND':
        if (!header) return fail('it has no header chunk (IHDR)');
        if (length !== 0) return fail('its end chunk is not empty');
        if (pos !== b.length) return fail('there is data after its end chunk');
        if (header.colorType === 3 && !palette) return fail('it uses a palette but has none');
        if (idat.length === 0) return fail('it holds no image data');
        return checkPngData(idat, { ...header, transparency });
      default:
        // PNG: a decoder must refuse an unknown critical chunk (first letter upper case).
        if (type.charCodeAt(0) < 0x61) return fail(`it has an unknown critical chunk ${JSON.stringify(type)}`);
    }
  }
}

/** Inflates the image data and walks its scanlines: the size must match the header exactly. */
function checkPngData(idat: Uint8Array[], info: { width: number; height: number } & PngInfo): ImageCheck {
  const bitsPerPixel = info.bitDepth * PNG_COLOR_TYPES[info.colorType].channels;
  const passes = pngPasses(info.width, info.height, info.interlaced).map(([w, h]) => ({ rowBytes: 1 + Math.ceil((w * bitsPerPixel) / 8), rows: h }));
  const expected = passes.reduce((s, p) => s + p.rowBytes * p.rows, 0);
  if (expected > MAX_DECODED_BYTES) return fail(`the picture is too large (${info.width}×${info.height} pixels)`);
  let raw: Buffer;
  try {
    // One byte over the expected size is enough to tell "too much data" without inflating a bomb.
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: expected + 1 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(code === 'ERR_BUFFER_TOO_LARGE' ? 'it holds more image data than its header says' : 'its image data does not decompress');
  }
  if (raw.length !== expected) return fail(raw.length < expected ? 'its image data is shorter than its header says' : 'it holds more image data than its header says');
  let at = 0;
  for (const p of passes) {
    for (let r = 0; r < p.rows; r++, at += p.rowBytes) {
      if (raw[at] > 4) return fail('a row of its image data has an unknown filter');
    }
  }
  const { width, height, ...png } = info;
  return { ok: true, type: 'image/png', width, height, png };
}

// ---------------------------------------------------------------- JPEG (ITU-T T.81)

/** Start-of-frame markers: C0-CF except DHT (C4), JPG (C8) and DAC (CC). */
const isFrameMarker = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

function checkJpeg(b: Uint8Array): ImageCheck {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return fail('it does not start with a JPEG start-of-image marker');
  let pos = 2;
  let frame: { width: number; height: number } | undefined;
  let scans = 0;
  for (;;) {
    if (pos >= b.length) return fail('the file is cut short before its end-of-image marker');
    if (b[pos] !== 0xff) return fail(`there is no marker where one must be (byte ${pos})`);
    while (b[pos] === 0xff) pos++; // fill bytes
    if (pos >= b.length) return fail('the file is cut short before its end-of-image marker');
    const marker = b[pos++];
    if (marker === 0xd9) {
      if (!frame) return fail('it has no frame header (SOF)');
      if (scans === 0) return fail('it holds no image data (SOS)');
      if (pos !== b.length) return fail('there is data after its end-of-image marker');
      return { ok: true, type: 'image/jpeg', ...frame };
    }
    if (marker === 0xd8) return fail('it has a second start-of-image marker');
    if (marker === 0x00 || (marker >= 0xd0 && marker <= 0xd7)) return fail(`a marker is misplaced (byte ${pos - 1})`);
    if (marker === 0x01) continue; // TEM has no length
    if (pos + 2 > b.length) return fail('the file is cut short inside a segment');
    const length = u16be(b, pos);
    if (length < 2 || pos + length > b.length) return fail('the file is cut short inside a segment');
    if (isFrameMarker(marker)) {
      if (frame) return fail('it has two frame headers');
      const precision = b[pos + 2];
      const height = u16be(b, pos + 3);
      const width = u16be(b, pos + 5);
      const components = b[pos + 7];
      if (length < 8 || length !== 8 + 3 * components || components < 1 || components > 4) return fail('its frame header is malformed');
      if (precision < 2 || precision > 16) return fail('its frame header gives an impossible precision');
      if (width === 0 || height === 0) return fail('its frame header gives no size');
      frame = { width, height };
    } else if (marker === 0xda) {
      if (!frame) return fail('its image data comes before its frame header');
      const components = b[pos + 2];
      if (components < 1 || components > 4 || length !== 6 + 2 * components) return fail('its scan header is malformed');
      pos += length;
      // Entropy-coded data runs to the next marker; FF00 is a stuffed FF and FFD0-FFD7 are restarts.
      for (;;) {
        if (pos + 1 >= b.length) return fail('the file is cut short inside its image data');
        if (b[pos] !== 0xff) pos++;
        else if (b[pos + 1] === 0x00 || (b[pos + 1] >= 0xd0 && b[pos + 1] <= 0xd7)) pos += 2;
        else if (b[pos + 1] === 0xff) pos++;
        else break;
      }
      scans++;
      continue;
    }
    pos += length;
  }
}

// ---------------------------------------------------------------- WebP (RFC 9649)

/** The size a VP8 (lossy) or VP8L (lossless) bitstream header gives, or why it is not one. */
function vp8Header(kind: string, d: Uint8Array): { width: number; height: number } | string {
  if (kind === 'VP8 ') {
    if (d.length < 10) return 'its VP8 header is cut short';
    const tag = d[0] | (d[1] << 8) | (d[2] << 16);
    if (tag & 1) return 'its VP8 data does not start with a key frame';
    if (((tag >> 1) & 7) > 3) return 'its VP8 header names an unknown version';
    if (!((tag >> 4) & 1)) return 'its VP8 frame is not shown';
    if (tag >>> 5 > d.length - 10) return 'its VP8 data is cut short';
    if (d[3] !== 0x9d || d[4] !== 0x01 || d[5] !== 0x2a) return 'its VP8 header lacks the start code';
    const width = u16le(d, 6) & 0x3fff;
    const height = u16le(d, 8) & 0x3fff;
    return width > 0 && height > 0 ? { width, height } : 'its VP8 header gives no size';
  }
  if (d.length < 5) return 'its VP8L header is cut short';
  if (d[0] !== 0x2f) return 'its VP8L header lacks the signature';
  const bits = u32le(d, 1);
  if (bits >>> 29 !== 0) return 'its VP8L header names an unknown version';
  return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
}

/** RIFF chunks of `b` between `from` and `to`, or why they do not fit. */
function riffChunks(b: Uint8Array, from: number, to: number): { kind: string; data: Uint8Array }[] | string {
  const chunks: { kind: string; data: Uint8Array }[] = [];
  let pos = from;
  while (pos < to) {
    if (pos + 8 > to) return 'a chunk header is cut short';
    const size = u32le(b, pos + 4);
    if (pos + 8 + size > to) return `its ${JSON.stringify(fourCC(b, pos).trim())} chunk runs past the end of the file`;
    chunks.push({ kind: fourCC(b, pos), data: b.subarray(pos + 8, pos + 8 + size) });
    pos += 8 + size + (size & 1);
  }
  return chunks;
}

function checkWebp(b: Uint8Array): ImageCheck {
  if (b.length < 12 || fourCC(b, 0) !== 'RIFF' || fourCC(b, 8) !== 'WEBP') return fail('it does not start with a RIFF WEBP header');
  const end = u32le(b, 4) + 8;
  if (end > b.length) return fail('the file is cut short');
  if (end < b.length) return fail('there is data after its RIFF container');
  const chunks = riffChunks(b, 12, end);
  if (typeof chunks === 'string') return fail(chunks);
  const first = chunks[0];
  if (!first) return fail('it holds no image');
  if (first.kind === 'VP8 ' || first.kind === 'VP8L') {
    const size = vp8Header(first.kind, first.data);
    return typeof size === 'string' ? fail(size) : { ok: true, type: 'image/webp', ...size };
  }
  if (first.kind !== 'VP8X') return fail(`its first chunk ${JSON.stringify(first.kind.trim())} is not an image header`);
  const x = first.data;
  if (x.length < 10) return fail('its VP8X header is cut short');
  if (x[0] & 0xc1) return fail('its VP8X header sets reserved flags');
  const width = u24le(x, 4) + 1;
  const height = u24le(x, 7) + 1;
  const animated = Boolean(x[0] & 0x02);
  // The image itself: the first VP8/VP8L chunk, or for an animation the one inside the first frame.
  let image = chunks.find((c) => c.kind === 'VP8 ' || c.kind === 'VP8L');
  if (animated) {
    const frame = chunks.find((c) => c.kind === 'ANMF');
    if (!chunks.some((c) => c.kind === 'ANIM') || !frame || frame.data.length < 16) return fail('its animation has no frames');
    const inner = riffChunks(frame.data, 16, frame.data.length);
    if (typeof inner === 'string') return fail(inner);
    image = inner.find((c) => c.kind === 'VP8 ' || c.kind === 'VP8L');
  }
  if (!image) return fail('it holds no image data (VP8 or VP8L)');
  const size = vp8Header(image.kind, image.data);
  return typeof size === 'string' ? fail(size) : { ok: true, type: 'image/webp', width, height };
}
