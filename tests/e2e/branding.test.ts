import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { launch, signedInPage } from '../support/browser';

/** A real 2x2 PNG, built byte by byte (signature, IHDR, IDAT, IEND with CRCs). */
function tinyPng(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(2, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.from([0, 255, 0, 0, 255, 0, 0, 0, 255, 0, 0, 255, 0, 0]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

let browser: Browser;
let dir: string;
beforeAll(async () => {
  browser = await launch();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'foresight-logo-'));
});
afterAll(async () => {
  await browser?.close();
});

describe('branding', () => {
  it('an admin sets name, colour and logo; everyone in the tenant sees them; a fake image is refused', async () => {
    const page = await signedInPage(browser, 'admin@demo.test');
    await page.goto('/admin/branding');
    const form = page.getByTestId('branding-form');

    // A text file renamed to .png is refused by its bytes, and nothing changes.
    const fake = path.join(dir, 'fake.png');
    fs.writeFileSync(fake, 'not really an image');
    await form.locator('input[name="logo"]').setInputFiles({ name: 'fake.png', mimeType: 'image/png', buffer: fs.readFileSync(fake) });
    await form.getByRole('button', { name: 'Save branding' }).click();
    await expect.poll(() => form.locator('.alert').textContent()).toContain('not a real PNG');

    await form.getByLabel('Display name').fill('Demo Fresh Market');
    await form.getByLabel('Main colour').fill('#0a7d3b');
    await form.locator('input[name="logo"]').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: tinyPng() });
    await form.getByRole('button', { name: 'Save branding' }).click();
    await expect.poll(() => form.locator('.alert').textContent()).toContain('Branding saved');

    const viewer = await signedInPage(browser, 'viewer@demo.test');
    await expect.poll(() => viewer.locator('.brand').textContent()).toContain('Demo Fresh Market');
    const logo = viewer.locator('.brand img');
    expect(await logo.count()).toBe(1);
    const loaded = await logo.evaluate((img) => (img as HTMLImageElement).naturalWidth);
    expect(loaded).toBe(2);
    const brandColour = await viewer.locator('.shell').evaluate((el) => getComputedStyle(el).getPropertyValue('--brand').trim());
    expect(brandColour).toBe('#0a7d3b');

    // Dark theme is remembered across pages.
    await viewer.getByRole('button', { name: /Switch to dark theme/ }).click();
    await viewer.goto('/forecasts');
    expect(await viewer.locator('html').getAttribute('data-theme')).toBe('dark');
    await viewer.context().close();
    await page.context().close();
  });
});
