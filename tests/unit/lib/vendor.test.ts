import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PLOTLY_FILE, PLOTLY_VERSION } from '@/lib/vendor';
import { GET } from '@/app/vendor/[file]/route';
import { vendorFile } from '@/lib/http/vendor-files';

const pkg = path.resolve(__dirname, '../../../node_modules/plotly.js-dist-min');
const call = (file: string, headers: Record<string, string> = {}) => GET(new Request(`http://localhost/vendor/${file}`, { headers }), { params: Promise.resolve({ file }) });

describe('GET /vendor/plotly-<version>.min.js', () => {
  it('names the installed plotly.js-dist-min version (the URL is cached as immutable)', () => {
    expect(JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8')).version).toBe(PLOTLY_VERSION);
  });

  it('serves the bundle as is through Next.js (which compresses it), cached for a year', async () => {
    const original = fs.readFileSync(path.join(pkg, 'plotly.min.js'));
    const res = await call(PLOTLY_FILE, { 'accept-encoding': 'gzip, deflate, br' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(res.headers.get('content-type')).toContain('javascript');
    expect(Buffer.from(await res.arrayBuffer()).equals(original)).toBe(true);
  });

  it('keeps a gzip encoding of it, a third of its size or less, that decodes to the same bytes', async () => {
    const original = fs.readFileSync(path.join(pkg, 'plotly.min.js'));
    const { raw, gzipped } = await vendorFile(PLOTLY_FILE);
    expect(raw.equals(original)).toBe(true);
    expect(gzipped.length).toBeLessThan(original.length / 3);
    expect(gunzipSync(gzipped).equals(original)).toBe(true);
    expect(() => vendorFile('package.json')).toThrow(RangeError);
  });

  it('answers 404 for any other name, an older version or a path trick', async () => {
    for (const name of ['plotly-0.0.1.min.js', '..%2Fpackage.json', 'plotly.min.js', '__proto__', 'constructor']) expect((await call(name)).status).toBe(404);
  });
});
