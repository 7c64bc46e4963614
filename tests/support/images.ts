import { crc32, deflateSync } from 'node:zlib';

/**
 * Tiny images built from bytes for the upload and report tests: valid PNGs made with zlib, a
 * hand-assembled baseline JPEG, WebPs around a VP8 and a VP8L bitstream (3×2 pixels, encoded once
 * by Chromium), and the ways each gets damaged.
 */

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A valid non-interlaced PNG: RGBA (colour type 6) by default, the kind pdfkit decodes pixel by pixel. */
export function pngBytes(width = 4, height = 3, colorType: 2 | 6 = 6): Buffer {
  const channels = colorType === 6 ? 4 : 3;
  const rows: number[] = [];
  for (let y = 0; y < height; y++) {
    rows.push(y % 5); // every filter type in turn
    for (let x = 0; x < width * channels; x++) rows.push((x * 37 + y * 11) & 0xff);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = colorType;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.from(rows))), chunk('IEND', new Uint8Array(0))]);
}

/** A valid PNG of exactly `size` bytes: a small image padded with a text chunk before its end. */
export function pngOfSize(size: number): Buffer {
  const image = pngBytes();
  const iend = image.subarray(image.length - 12);
  const text = Buffer.concat([Buffer.from('Comment\0', 'latin1'), Buffer.alloc(size - image.length - 12 - 8, 'x')]);
  return Buffer.concat([image.subarray(0, image.length - 12), chunk('tEXt', text), iend]);
}

/** Where the IDAT chunk's data starts and how long it is. */
function idatOf(png: Buffer): { start: number; length: number } {
  let pos = 8;
  for (;;) {
    const length = png.readUInt32BE(pos);
    if (png.toString('latin1', pos + 4, pos + 8) === 'IDAT') return { start: pos + 8, length };
    pos += 12 + length;
  }
}

/**
 * The PNG with one byte of its compressed image data changed. With `fixCrc` the chunk's checksum is
 * recomputed, so only decompressing the data shows the damage (a file damaged before it was saved).
 */
export function corruptIdat(png: Buffer, { fixCrc = true }: { fixCrc?: boolean } = {}): Buffer {
  const out = Buffer.from(png);
  const { start, length } = idatOf(out);
  out[start + Math.floor(length / 2)] ^= 0x5a;
  if (fixCrc) out.writeUInt32BE(crc32(out.subarray(start - 4, start + length)), start + length);
  return out;
}

/**
 * A 1×1 grey baseline JPEG: quantisation table, frame header, one-code Huffman tables for DC and
 * AC, one scan whose single block is "DC difference 0, end of block" (bits 00, padded with ones).
 */
export function jpegBytes(): Buffer {
  const seg = (marker: number, body: number[]) => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
  const oneCode = (tableClass: number) => [tableClass, 1, ...new Array(15).fill(0), 0x00];
  return Buffer.from([
    0xff, 0xd8,
    ...seg(0xdb, [0x00, ...new Array(64).fill(1)]),
    ...seg(0xc0, [8, 0, 1, 0, 1, 1, 1, 0x11, 0]),
    ...seg(0xc4, oneCode(0x00)),
    ...seg(0xc4, oneCode(0x10)),
    ...seg(0xda, [1, 1, 0x00, 0, 63, 0]),
    0x3f,
    0xff, 0xd9,
  ]);
}

const VP8 = '7002009d012a0300020001402625a80274ba01f800cc00c90007ba0000feedd0ca52bd0163ff66322187b071e87471fffad17ff36f5d8db6f2b4c1ee0000';
const VP8L = '2f024000000ff0b7f97f10df637dfe83072310d1ff08';

function riffChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(type, 0, 'latin1');
  head.writeUInt32LE(data.length, 4);
  return Buffer.concat([head, data, data.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

function riff(chunks: Buffer[]): Buffer {
  const body = Buffer.concat([Buffer.from('WEBP', 'latin1'), ...chunks]);
  const head = Buffer.alloc(8);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

/** A 3×2 WebP: simple lossy (VP8), simple lossless (VP8L), or extended (VP8X then VP8L). */
export function webpBytes(kind: 'lossy' | 'lossless' | 'extended' = 'lossy'): Buffer {
  if (kind === 'lossy') return riff([riffChunk('VP8 ', Buffer.from(VP8, 'hex'))]);
  if (kind === 'lossless') return riff([riffChunk('VP8L', Buffer.from(VP8L, 'hex'))]);
  const x = Buffer.alloc(10);
  x.writeUIntLE(3 - 1, 4, 3);
  x.writeUIntLE(2 - 1, 7, 3);
  return riff([riffChunk('VP8X', x), riffChunk('VP8L', Buffer.from(VP8L, 'hex'))]);
}
