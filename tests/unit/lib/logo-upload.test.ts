import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { createTenant } from '@/lib/tenants';
import { readLogo, storeLogo, storedLogoProblem } from '@/lib/branding';
import { storage, tenantPath } from '@/lib/storage';
import { AppError } from '@/lib/errors';
import { corruptIdat, jpegBytes, pngBytes, webpBytes } from '../../support/images';

let home: string;
beforeEach(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-logo-'));
  process.env.FORESIGHT_HOME = home;
  await createTenant({ id: 'shop', name: 'Shop', tier: 'enterprise' });
});
afterEach(async () => {
  await fs.rm(home, { recursive: true, force: true });
});

/** The AppError storeLogo throws for these bytes (the test fails when it stores them instead). */
async function refusal(bytes: Uint8Array, type: string): Promise<AppError> {
  const e = await storeLogo('shop', bytes, type).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e, 'the upload was accepted').toBeInstanceOf(AppError);
  return e as AppError;
}

/** Refused as damaged, on the logo field, and nothing stored. */
async function expectDamaged(bytes: Uint8Array, type: string): Promise<string> {
  const e = await refusal(bytes, type);
  expect(e.code).toBe('bad_request');
  expect(e.details).toEqual({ field: 'logo' });
  expect(e.message).toMatch(/^The logo file is damaged: /);
  expect(await readLogo('shop')).toBeUndefined();
  return e.message;
}

describe('logo uploads are decode-checked', () => {
  it('a PNG with one corrupt byte in its image data and a valid signature is refused, and nothing is stored', async () => {
    const good = pngBytes(16, 12);
    // Checksum recomputed: only decompressing the data shows the damage.
    expect(await expectDamaged(corruptIdat(good), 'image/png')).toContain('image data does not decompress');
    // Checksum left as it was: the CRC check catches it first.
    expect(await expectDamaged(corruptIdat(good, { fixCrc: false }), 'image/png')).toContain('checksum');
  });

  it('a PNG cut short, one whose data disagrees with its header, and one with data after its end are refused', async () => {
    const good = pngBytes(16, 12);
    await expectDamaged(good.subarray(0, good.length - 30), 'image/png');
    await expectDamaged(good.subarray(0, good.length - 12), 'image/png'); // IEND missing
    await expectDamaged(Buffer.concat([good, Buffer.from('<html><script>alert(1)</script>')]), 'image/png');
    // A header that claims 1×1 pixels over the data of 16×12: more data than the header allows.
    const bomb = Buffer.from(good);
    bomb.writeUInt32BE(1, 16);
    bomb.writeUInt32BE(1, 20);
    bomb.writeUInt32BE(crc32(bomb.subarray(12, 29)), 29);
    expect(await expectDamaged(bomb, 'image/png')).toContain('more image data than its header says');
  });

  it('a truncated JPEG is refused, wherever it is cut', async () => {
    const good = jpegBytes();
    for (const cut of [good.length - 2, good.length - 3, 40, 8]) await expectDamaged(good.subarray(0, cut), 'image/jpeg');
    // No frame header: the start-of-frame segment removed.
    const sof = good.indexOf(Buffer.from([0xff, 0xc0]));
    expect(await expectDamaged(Buffer.concat([good.subarray(0, sof), good.subarray(sof + 13)]), 'image/jpeg')).toContain('frame header');
  });

  it('a WebP cut short or with a broken VP8/VP8L header is refused', async () => {
    const lossy = webpBytes('lossy');
    await expectDamaged(lossy.subarray(0, lossy.length - 10), 'image/webp');
    const noStartCode = Buffer.from(lossy);
    noStartCode[20 + 3] = 0; // the VP8 start code 9d 01 2a
    expect(await expectDamaged(noStartCode, 'image/webp')).toContain('start code');
    const badLossless = Buffer.from(webpBytes('lossless'));
    badLossless[20] = 0; // the VP8L signature 0x2f
    expect(await expectDamaged(badLossless, 'image/webp')).toContain('VP8L');
    const emptyExtended = Buffer.from(webpBytes('extended').subarray(0, 12 + 18));
    emptyExtended.writeUInt32LE(emptyExtended.length - 8, 4);
    expect(await expectDamaged(emptyExtended, 'image/webp')).toContain('no image data');
  });

  it('valid PNG (RGBA and RGB), JPEG and WebP (lossy, lossless, extended) are accepted and stored as sent', async () => {
    const cases: [Uint8Array, string][] = [
      [pngBytes(16, 12), 'image/png'],
      [pngBytes(5, 7, 2), 'image/png'],
      [jpegBytes(), 'image/jpeg'],
      [webpBytes('lossy'), 'image/webp'],
      [webpBytes('lossless'), 'image/webp'],
      [webpBytes('extended'), 'image/webp'],
    ];
    for (const [bytes, type] of cases) {
      expect(await storeLogo('shop', bytes, type)).toBe(type);
      expect(Buffer.compare((await readLogo('shop'))!, Buffer.from(bytes))).toBe(0);
    }
  });

  it('a damaged logo stored before the checks existed is reported on the Branding page, a sound one is not', async () => {
    await storage().writeBlob(tenantPath('shop', 'tenants', 'logo.bin'), corruptIdat(pngBytes(16, 12)));
    expect(await storedLogoProblem('shop', 'image/png')).toContain('does not decompress');
    await storeLogo('shop', pngBytes(16, 12), 'image/png');
    expect(await storedLogoProblem('shop', 'image/png')).toBeNull();
    expect(await storedLogoProblem('shop', null)).toBeNull();
  });
});
