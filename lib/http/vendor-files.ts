// Raw fs, not lib/storage: these are files of the installed packages, not stored state.
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { PLOTLY_FILE } from '../vendor';

/**
 * The browser libraries of lib/vendor.ts, read and gzip-compressed once per server and kept in
 * memory: public like Next's own /_next/static chunks (libraries, no tenant data), cached by
 * browsers for a year as immutable (the version is in the name).
 */
const gzipAsync = promisify(gzip);
const FILES: Readonly<Record<string, string>> = { [PLOTLY_FILE]: path.join('node_modules', 'plotly.js-dist-min', 'plotly.min.js') };
const loaded = new Map<string, Promise<{ raw: Buffer; gzipped: Buffer }>>();

export const VENDOR_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/javascript; charset=utf-8',
  'Cache-Control': 'public, max-age=31536000, immutable',
  Vary: 'Accept-Encoding',
};

export function isVendorFile(name: string): boolean {
  return Object.hasOwn(FILES, name);
}

/** The file's bytes and their gzip encoding. @throws when `name` is not a vendor file. */
export function vendorFile(name: string): Promise<{ raw: Buffer; gzipped: Buffer }> {
  if (!isVendorFile(name)) throw new RangeError(`${name} is not a vendor file`);
  let entry = loaded.get(name);
  if (!entry) {
    entry = (async () => {
      const raw = await fs.readFile(path.join(process.cwd(), FILES[name]));
      return { raw, gzipped: await gzipAsync(raw, { level: 9 }) };
    })();
    entry.catch(() => loaded.delete(name));
    loaded.set(name, entry);
  }
  return entry;
}
