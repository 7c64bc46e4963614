import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createTenant } from '@/lib/tenants';
import { createApiKey } from '@/lib/apikeys';
import { acceptsGzip, apiRequestOf, FAST_ROUTES, fastRouteOf, serveFastApi } from '@/lib/api/fast-path';
import { getForecastRoute, getTopProductsRoute } from '@/lib/api/routes/forecast';
import { getMeRoute } from '@/lib/api/routes/me';
import { predictBatchRoute, predictRoute } from '@/lib/api/routes/predict';
import { securityHeaders } from '@/lib/http/security-headers';
import { PLOTLY_FILE } from '@/lib/vendor';

// The fast path runs on Node's own request and response; this server hands everything the fast
// path declines to a stand-in for Next.js that answers 599, so a test sees who answered.
let server: http.Server;
let base: string;
let viewerKey: string;
let home: string;

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-fast-'));
  process.env.FORESIGHT_HOME = home;
  await createTenant({ id: 'acme', name: 'Acme Stores', tier: 'enterprise' });
  viewerKey = (await createApiKey('acme', { name: 'ci', role: 'viewer', createdBy: 't' })).secret;
  server = http.createServer((req, res) => {
    if (serveFastApi(req, res)) return;
    res.writeHead(599).end('next');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await fs.rm(home, { recursive: true, force: true });
});

/** A raw HTTP request (fetch would add headers and decode gzip itself). */
function request(p: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${p}`, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    if (opts.body !== undefined) {
      if (opts.chunked) for (let i = 0; i < opts.body.length; i += 16_384) req.write(opts.body.slice(i, i + 16_384));
      else req.write(opts.body);
    }
    req.end();
  });
}

describe('API fast path', () => {
  it('serves exactly the registry routes marked fast, each under its own method and path', () => {
    expect([...FAST_ROUTES.keys()].sort()).toEqual(['GET /api/v1/forecast', 'GET /api/v1/forecast/top-products', 'GET /api/v1/me', 'POST /api/v1/predict', 'POST /api/v1/predict/batch']);
    for (const [key, route] of FAST_ROUTES) expect(`${route.definition.method} /api/v1${route.definition.path}`).toBe(key);
  });

  it('takes only API-key requests for its exact endpoints; sessions and every other route go to Next.js', () => {
    const key = { authorization: 'Bearer x' };
    // The very route objects app/api/v1 mounts (tests/unit/lib/openapi.test.ts checks the mounting).
    expect(fastRouteOf('GET', '/api/v1/forecast?store=1&horizon=30', key)).toBe(getForecastRoute);
    expect(fastRouteOf('GET', '/api/v1/forecast/top-products?time_period=week', key)).toBe(getTopProductsRoute);
    expect(fastRouteOf('GET', '/api/v1/me', key)).toBe(getMeRoute);
    expect(fastRouteOf('POST', '/api/v1/predict', key)).toBe(predictRoute);
    expect(fastRouteOf('POST', '/api/v1/predict/batch', key)).toBe(predictBatchRoute);
    expect(fastRouteOf('GET', '/api/v1/forecast', {})).toBeUndefined(); // no credential: Next.js answers 401 itself
    expect(fastRouteOf('GET', '/api/v1/forecast', { ...key, cookie: 'next-auth.session-token=s' })).toBeUndefined();
    expect(fastRouteOf('POST', '/api/v1/forecast', key)).toBeUndefined();
    expect(fastRouteOf('GET', '/api/v1/forecast/', key)).toBeUndefined();
    expect(fastRouteOf('GET', '/api/v1/models', key)).toBeUndefined();
    expect(fastRouteOf('GET', '/forecasts', key)).toBeUndefined();
  });

  it('answers a key holder with the route\'s JSON and the security headers', async () => {
    const res = await request('/api/v1/me', { headers: { authorization: `Bearer ${viewerKey}` } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    for (const h of securityHeaders) expect(res.headers[h.key.toLowerCase()]).toBe(h.value);
    const me = JSON.parse(res.body.toString()) as { tenant: { id: string; name: string }; role: string; via: string; permissions: string[] };
    expect(me.tenant).toMatchObject({ id: 'acme', name: 'Acme Stores' });
    expect(me).toMatchObject({ role: 'viewer', via: 'apikey' });
    expect(me.permissions).not.toContain('reports.download');
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
  });

  it('refuses an unknown key, bad JSON and a bad query with the API error shape', async () => {
    const bad = await request('/api/v1/me', { headers: { authorization: 'Bearer fsk.acme.k_000000000000.nope' } });
    expect(bad.status).toBe(401);
    expect(JSON.parse(bad.body.toString())).toEqual({ error: { code: 'unauthorized', message: expect.stringContaining('API key'), details: {} } });
    const invalid = await request('/api/v1/predict', { method: 'POST', headers: { authorization: `Bearer ${viewerKey}`, 'content-type': 'application/json' }, body: '{"store": 1' });
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.body.toString()).error).toMatchObject({ code: 'bad_request', message: expect.stringContaining('not valid JSON') });
    // The route's own answer when the tenant has no production model yet.
    const noModel = await request('/api/v1/forecast/top-products?time_period=week', { headers: { authorization: `Bearer ${viewerKey}` } });
    expect(noModel.status).toBe(409);
    expect(JSON.parse(noModel.body.toString()).error.message).toContain('No model is in production');
    const badQuery = await request('/api/v1/forecast?horizon=91', { headers: { authorization: `Bearer ${viewerKey}` } });
    expect(badQuery.status).toBe(400);
    expect(JSON.parse(badQuery.body.toString()).error.details.issues[0].path).toBe('horizon');
  });

  it('stops reading a body over the route\'s limit and answers 413, with or without a Content-Length', async () => {
    const huge = JSON.stringify({ store: '1', item: 'x'.repeat(70 * 1024), date: '2024-01-01' });
    const declared = await request('/api/v1/predict', { method: 'POST', headers: { authorization: `Bearer ${viewerKey}`, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(huge)) }, body: huge });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body.toString()).error).toMatchObject({ code: 'payload_too_large', details: { limit: 64 * 1024 } });
    const chunked = await request('/api/v1/predict', { method: 'POST', headers: { authorization: `Bearer ${viewerKey}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, body: huge, chunked: true });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body.toString()).error.code).toBe('payload_too_large');
  });

  it('answers 413 as soon as the limit is passed, while the client is still sending', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${base}/api/v1/predict`, { method: 'POST', headers: { authorization: `Bearer ${viewerKey}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
        req.destroy();
      });
      req.on('error', () => undefined);
      req.write(`{"store":"${'x'.repeat(70 * 1024)}`); // over the 64 KB limit, and never ended
      setTimeout(() => reject(new Error('no answer while the body was still open')), 5_000);
    });
    expect(status).toBe(413);
  });

  it('a body read after the client hung up fails at once instead of waiting forever', async () => {
    const outcome = new Promise<string>((resolve) => {
      const srv = http.createServer((req) => {
        // As a route does: authentication first, the body later, by when the client is gone.
        req.socket.once('close', () =>
          setTimeout(() => {
            apiRequestOf(req)
              .text(1024)
              .then(
                () => resolve('read'),
                (e: { code?: string }) => resolve(e.code ?? 'error'),
              )
              .finally(() => srv.close());
          }, 50),
        );
      });
      srv.listen(0, '127.0.0.1', () => {
        const req = http.request(`http://127.0.0.1:${(srv.address() as AddressInfo).port}/`, { method: 'POST', headers: { 'content-length': '100' } });
        req.on('error', () => undefined);
        req.write('0123456789');
        setTimeout(() => req.destroy(), 50);
      });
    });
    expect(await outcome).toBe('bad_request');
  });

  it('reads Accept-Encoding with its q-values', () => {
    expect(acceptsGzip('gzip, deflate, br')).toBe(true);
    expect(acceptsGzip('br;q=1.0, gzip;q=0.5')).toBe(true);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('*;q=0.1, gzip;q=0')).toBe(false);
    expect(acceptsGzip('identity')).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });

  it('gzips a large answer for a client that accepts it, and only then', async () => {
    // A 400 with every zod issue of 2,000 bad rows is well over the 1 KB threshold.
    const body = JSON.stringify({ rows: Array.from({ length: 2000 }, () => ({ date: 'soon' })) });
    const headers = { authorization: `Bearer ${viewerKey}`, 'content-type': 'application/json' };
    const plain = await request('/api/v1/predict/batch', { method: 'POST', headers, body });
    const zipped = await request('/api/v1/predict/batch', { method: 'POST', headers: { ...headers, 'accept-encoding': 'gzip, br' }, body });
    expect(plain.status).toBe(zipped.status);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(1024);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.body.length).toBeLessThan(plain.body.length);
    expect(gunzipSync(zipped.body).toString()).toBe(plain.body.toString());
  });

  it('serves the vendored Plotly bundle pre-compressed to anyone, browsers with a session included', async () => {
    const original = readFileSync(path.resolve(__dirname, '../../../node_modules/plotly.js-dist-min/plotly.min.js'));
    const res = await request(`/vendor/${PLOTLY_FILE}`, { headers: { cookie: 'next-auth.session-token=s', 'accept-encoding': 'gzip, deflate' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(gunzipSync(res.body).equals(original)).toBe(true);
    const plain = await request(`/vendor/${PLOTLY_FILE}`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(original)).toBe(true);
    expect((await request('/vendor/plotly-0.0.1.min.js')).status).toBe(599);
  });

  it('leaves session requests and other routes to Next.js', async () => {
    expect((await request('/api/v1/me', { headers: { cookie: 'a=b', authorization: `Bearer ${viewerKey}` } })).status).toBe(599);
    expect((await request('/api/v1/models', { headers: { authorization: `Bearer ${viewerKey}` } })).status).toBe(599);
  });
});
