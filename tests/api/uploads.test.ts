import { describe, it, expect, beforeAll } from 'vitest';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { inject } from 'vitest';
import { api, baseURL, makeKey, password, sessionCookie } from '../support/http';

/**
 * Uploads and large bodies against the running production server (issue 11, item 7): every body
 * over a route's limit is that route's 413 (never a body cut by Next.js), an upload is refused
 * before its body is read when it cannot be taken, and an upload streams to disk.
 * The test server runs with FORESIGHT_UPLOAD_MAX_MB = inject('uploadMaxMb') (global setup).
 */

const MB = 1024 * 1024;
const TENANT = 'uploads';
const BIG_TENANT = 'bigupload';
let adminCookie: string;
let viewerCookie: string;
let bigKey: string;

beforeAll(async () => {
  process.env.FORESIGHT_HOME = inject('home');
  const { createTenantWithAdmin } = await import('@/lib/provisioning');
  const { SYSTEM_ACTOR } = await import('@/lib/audit');
  for (const id of [TENANT, BIG_TENANT]) {
    await createTenantWithAdmin({ id, name: `Tenant ${id}`, tier: 'enterprise', adminEmail: `admin@${id}.test`, adminName: `Admin ${id}`, adminPassword: password() }, SYSTEM_ACTOR);
  }
  adminCookie = await sessionCookie(`admin@${TENANT}.test`);
  viewerCookie = await sessionCookie('viewer@demo.test');
  bigKey = await makeKey(BIG_TENANT, 'manager');
});

interface RawAnswer {
  status: number;
  body: string;
  /** Body bytes written before the answer came. */
  sent: number;
}

/**
 * A POST that writes `chunks` with backpressure and stops writing as soon as the server answers.
 * With `hold`, the request is never ended: the server must answer while the body is incomplete.
 * Without a `content-length` header the body goes chunked.
 */
function rawPost(p: string, headers: Record<string, string | number>, chunks: Iterable<Buffer>, opts: { hold?: boolean; timeoutMs?: number; onWrite?: (sent: number) => void; signal?: AbortSignal } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request(`${baseURL()}${p}`, { method: 'POST', headers: { Origin: baseURL(), ...headers }, agent: false });
    opts.signal?.addEventListener('abort', () => {
      req.destroy();
      clearTimeout(timer);
      reject(new Error('aborted by the test'));
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer within ${opts.timeoutMs ?? 30_000} ms (${sent} bytes sent)`));
    }, opts.timeoutMs ?? 30_000);
    req.on('response', (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8'), sent });
      });
    });
    // Once answered, the server may close while the rest is still on its way.
    req.on('error', (e) => answered || (clearTimeout(timer), reject(e)));
    void (async () => {
      for (const chunk of chunks) {
        if (answered || req.destroyed) return;
        sent += chunk.length;
        opts.onWrite?.(sent);
        if (!req.write(chunk)) {
          await new Promise<void>((resolve) => {
            const go = () => {
              req.off('drain', go).off('response', go).off('close', go);
              resolve();
            };
            req.on('drain', go).on('response', go).on('close', go);
          });
        }
      }
      if (!opts.hold && !answered && !req.destroyed) req.end();
    })();
  });
}

const BOUNDARY = '----foresightUploadTest';

/** A multipart upload form: `fields`, then one file of `fileBytes` bytes (repeated CSV lines). */
function* multipart(fields: Record<string, string>, fileName: string, fileBytes: number, chunkBytes = MB): Generator<Buffer> {
  let head = '';
  for (const [k, v] of Object.entries(fields)) head += `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
  head += `--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="${fileName}"\r\nContent-Type: text/csv\r\n\r\n`;
  yield Buffer.from(head);
  const line = Buffer.from('1,2\n');
  const chunk = Buffer.alloc(chunkBytes, line);
  for (let left = fileBytes; left > 0; left -= chunkBytes) yield left >= chunkBytes ? chunk : chunk.subarray(0, left);
  yield Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
}

const multipartType = `multipart/form-data; boundary=${BOUNDARY}`;
const errorOf = (a: RawAnswer) => (JSON.parse(a.body) as { error: { code: string; message: string } }).error;
const stagedDir = (tenant: string) => path.join(inject('home'), 'data', tenant, 'uploads');
const staged = (tenant: string) => (fs.existsSync(stagedDir(tenant)) ? fs.readdirSync(stagedDir(tenant)) : []);

type Job = { id: string; status: string; error: string | null; result?: unknown };

async function jobs(init: { cookie?: string; key?: string }): Promise<Job[]> {
  return ((await (await api('/api/v1/jobs?kind=ingest', init)).json()) as { jobs: Job[] }).jobs;
}

async function noActiveImport(init: { cookie?: string; key?: string }): Promise<void> {
  await expect.poll(async () => (await jobs(init)).filter((j) => j.status === 'queued' || j.status === 'running').length, { timeout: 60_000 }).toBe(0);
}

/** The server process's resident memory in bytes (Linux /proc). */
function serverRss(): number {
  const status = fs.readFileSync(`/proc/${inject('serverPid')}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  if (!kb) throw new Error('no VmRSS in /proc/<pid>/status');
  return Number(kb[1]) * 1024;
}

describe('bodies over a limit: 413 from the route, never a cut body', () => {
  it('a session POST /api/v1/predict/batch of 11 MB is 413 with or without a Content-Length', async () => {
    // Valid JSON all the way, so only the size can make it fail.
    const body = Buffer.from(`{"rows":[],"pad":"${'x'.repeat(11 * 1000 * 1000)}"}`);
    const pieces = () => Array.from({ length: Math.ceil(body.length / MB) }, (_, i) => body.subarray(i * MB, (i + 1) * MB));
    const declared = await rawPost('/api/v1/predict/batch', { Cookie: viewerCookie, 'Content-Type': 'application/json', 'Content-Length': body.length }, pieces());
    expect(declared.status, declared.body).toBe(413);
    expect(errorOf(declared).code).toBe('payload_too_large');
    const chunked = await rawPost('/api/v1/predict/batch', { Cookie: viewerCookie, 'Content-Type': 'application/json' }, pieces());
    expect(chunked.status, chunked.body).toBe(413);
    expect(errorOf(chunked).code).toBe('payload_too_large');
  });

  it('an upload whose Content-Length is over the per-upload cap is refused with 413 before its body is sent', async () => {
    const cap = inject('uploadMaxMb') * MB;
    // Headers and the first megabyte only: the answer must come without the rest.
    const answer = await rawPost('/api/v1/datasets', { Cookie: adminCookie, 'Content-Type': multipartType, 'Content-Length': cap + MB }, [...multipart({ format: 'retail' }, 'sales.csv', MB)].slice(0, 2), { hold: true, timeoutMs: 20_000 });
    expect(answer.status, answer.body).toBe(413);
    expect(errorOf(answer)).toMatchObject({ code: 'payload_too_large', message: expect.stringContaining(`${inject('uploadMaxMb')} MB`) });
    expect(staged(TENANT)).toEqual([]);
  });

  it('a chunked upload (no Content-Length) is cut at the cap with 413, and nothing of it is left on disk', async () => {
    const cap = inject('uploadMaxMb') * MB;
    const answer = await rawPost('/api/v1/datasets', { Cookie: adminCookie, 'Content-Type': multipartType }, multipart({ format: 'retail' }, 'sales.csv', cap + 8 * MB), { timeoutMs: 120_000 });
    expect(answer.status, answer.body).toBe(413);
    expect(errorOf(answer)).toMatchObject({ code: 'payload_too_large', message: expect.stringContaining(`${inject('uploadMaxMb')} MB per upload`) });
    expect(staged(TENANT)).toEqual([]);
    await noActiveImport({ cookie: adminCookie });
    // The refused upload's job says why it ended.
    const [refused] = await jobs({ cookie: adminCookie });
    expect(refused).toMatchObject({ status: 'failed', error: expect.stringContaining('per upload') });
  });
});

describe('an import that cannot be taken is refused before its body is read', () => {
  it('a second import while the first is still uploading gets 409 without sending its body; the cut first upload leaves nothing', async () => {
    await noActiveImport({ cookie: adminCookie });
    const total = 64 * MB;
    // The first upload sends its headers and 2 MB, then waits (a slow client).
    let firstSent = 0;
    const cutFirst = new AbortController();
    const first = rawPost('/api/v1/datasets', { Cookie: adminCookie, 'Content-Type': multipartType, 'Content-Length': total + 1024 }, [...multipart({ format: 'retail' }, 'sales.csv', 2 * MB)].slice(0, 3), {
      hold: true,
      timeoutMs: 60_000,
      onWrite: (n) => (firstSent = n),
      signal: cutFirst.signal,
    }).catch((e: Error) => e);
    await expect.poll(() => firstSent).toBeGreaterThan(2 * MB);
    await expect.poll(async () => (await jobs({ cookie: adminCookie })).filter((j) => j.status === 'queued').length).toBe(1);

    const second = await rawPost('/api/v1/datasets', { Cookie: adminCookie, 'Content-Type': multipartType, 'Content-Length': total + 1024 }, [...multipart({ format: 'retail' }, 'sales.csv', MB)].slice(0, 2), { hold: true, timeoutMs: 20_000 });
    expect(second.status, second.body).toBe(409);
    expect(errorOf(second).code).toBe('conflict');
    expect(second.sent).toBeLessThan(2 * MB);

    // The slow client gives up: its job fails, its partial files go.
    const waiting = await Promise.race([first, new Promise((r) => setTimeout(() => r('still waiting'), 500))]);
    expect(waiting).toBe('still waiting');
    const staging = staged(TENANT);
    expect(staging).toHaveLength(1);
    cutFirst.abort();
    expect(await first).toBeInstanceOf(Error);
    await noActiveImport({ cookie: adminCookie });
    const [cut] = await jobs({ cookie: adminCookie });
    expect(cut.status).toBe('failed');
    expect(cut.error).toMatch(/upload/i);
    await expect.poll(() => staged(TENANT)).toEqual([]);
  });
});

describe('an upload streams to disk', () => {
  it('a 200 MB chunked upload is taken (202) while the server grows by less than 150 MB of memory', async () => {
    await noActiveImport({ key: bigKey });
    // Warm the route (its code loads on first use), so the baseline is the server at rest.
    const warm = await api('/api/v1/datasets', { method: 'POST', key: bigKey, body: new FormData() });
    expect(warm.status).toBe(400);
    const baseline = serverRss();
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, serverRss())), 50);
    let answer: RawAnswer;
    try {
      answer = await rawPost('/api/v1/datasets', { Authorization: `Bearer ${bigKey}`, 'Content-Type': multipartType }, multipart({ format: 'retail' }, 'notes.csv', 200 * MB), { timeoutMs: 180_000 });
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, serverRss());
    expect(answer.status, answer.body).toBe(202);
    const growth = `server RSS ${(baseline / MB).toFixed(0)} MB -> peak ${(peak / MB).toFixed(0)} MB during a 200 MB upload`;
    console.log(growth);
    expect(peak - baseline, growth).toBeLessThan(150 * MB);
    // The job got the file whole and under its name: the import refuses it by name, then its staged files go.
    const { job } = JSON.parse(answer.body) as { job: Job };
    await noActiveImport({ key: bigKey });
    const done = ((await (await api(`/api/v1/jobs/${job.id}`, { key: bigKey })).json()) as { job: Job }).job;
    expect(done.status).toBe('failed');
    expect(JSON.stringify(done.result)).toContain('notes.csv');
    expect(staged(BIG_TENANT)).toEqual([]);
  });
});
