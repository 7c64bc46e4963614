import { describe, it, expect, beforeEach } from 'vitest';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { AppError } from '@/lib/errors';
import { readMultipart, type MultipartLimits } from '@/lib/http/multipart';
import { storage } from '@/lib/storage';
import { apiRequestOf } from '@/lib/api/fast-path';

const BOUNDARY = 'xyzBOUNDARY';
const TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

function form(parts: ({ name: string; value: string } | { name: string; filename: string; content: string })[], end = true): string {
  let s = '';
  for (const p of parts) {
    s += `--${BOUNDARY}\r\n`;
    s += 'filename' in p ? `Content-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: text/csv\r\n\r\n${p.content}\r\n` : `Content-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`;
  }
  return end ? `${s}--${BOUNDARY}--\r\n` : s;
}

/** A body arriving in small pieces, as from a socket; `fail` makes it error after them (a client gone). */
function body(text: string, opts: { piece?: number; fail?: boolean } = {}): Readable {
  const bytes = Buffer.from(text);
  const piece = opts.piece ?? 7;
  return Readable.from(
    (async function* () {
      for (let i = 0; i < bytes.length; i += piece) yield bytes.subarray(i, i + piece);
      if (opts.fail) throw new Error('socket hang up');
    })(),
    { objectMode: false },
  );
}

const limits = (over: Partial<MultipartLimits> = {}): MultipartLimits => ({ maxBytes: 1 << 20, tooLarge: () => new AppError('payload_too_large', 'too large'), maxFiles: 3, maxFields: 3, maxFieldBytes: 100, ...over });

async function collect(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

describe('readMultipart', () => {
  it('hands each file to its consumer as a stream, in order, and collects the fields', async () => {
    const seen: { field: string; filename: string; index: number; content: string; fieldsBefore: string[] }[] = [];
    const fields = await readMultipart(
      body(form([{ name: 'format', value: 'retail' }, { name: 'files', filename: 'a.csv', content: 'x,y\n1,2\n' }, { name: 'files', filename: 'b.csv', content: 'z\n3\n' }, { name: 'note', value: 'after' }])),
      TYPE,
      limits(),
      async (f) => {
        const fieldsBefore = [...f.fieldsBefore.keys()];
        seen.push({ field: f.field, filename: f.filename, index: f.index, content: await collect(f.stream), fieldsBefore });
      },
    );
    expect(seen).toEqual([
      { field: 'files', filename: 'a.csv', index: 0, content: 'x,y\n1,2\n', fieldsBefore: ['format'] },
      { field: 'files', filename: 'b.csv', index: 1, content: 'z\n3\n', fieldsBefore: ['format'] },
    ]);
    expect(Object.fromEntries(fields)).toEqual({ format: ['retail'], note: ['after'] });
  });

  it('stops at maxBytes with the caller\'s 413, counting what arrives, after the file being written settled', async () => {
    let settled = false;
    const big = form([{ name: 'files', filename: 'a.csv', content: '1,2\n'.repeat(5000) }]);
    const outcome = readMultipart(body(big, { piece: 1024 }), TYPE, limits({ maxBytes: 4096 }), async (f) => {
      try {
        await collect(f.stream);
      } finally {
        settled = true;
      }
    });
    await expect(outcome).rejects.toMatchObject({ code: 'payload_too_large' });
    expect(settled).toBe(true);
  });

  it('refuses what is not a complete, valid form: cut off, unterminated, not multipart, too many parts, a long field', async () => {
    const ok = async (f: { stream: Readable }) => void (await collect(f.stream));
    const oneFile = form([{ name: 'files', filename: 'a.csv', content: 'a\n1\n' }]);
    await expect(readMultipart(body(oneFile.slice(0, 60), { fail: true }), TYPE, limits(), ok)).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/cut off/) });
    await expect(readMultipart(body(form([{ name: 'files', filename: 'a.csv', content: 'a\n1\n' }], false)), TYPE, limits(), ok)).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/not valid multipart/) });
    await expect(readMultipart(body('{"a":1}'), 'application/json', limits(), ok)).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/multipart\/form-data/) });
    const four = form([1, 2, 3, 4].map((i) => ({ name: 'files', filename: `${i}.csv`, content: 'a\n' })));
    await expect(readMultipart(body(four), TYPE, limits(), ok)).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/At most 3 files/) });
    await expect(readMultipart(body(form([{ name: 'mapping', value: 'x'.repeat(101) }])), TYPE, limits(), ok)).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/over 100 bytes/) });
  });

  it('gives up on a body that stalls', async () => {
    const stalled = new Readable({ read() {} });
    stalled.push(form([{ name: 'files', filename: 'a.csv', content: 'a\n' }], false).slice(0, 80));
    await expect(readMultipart(stalled, TYPE, limits({ idleMs: 100 }), async (f) => void (await collect(f.stream)))).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/stalled/) });
  });
});

describe('storage writeBlobStream', () => {
  let home: string;
  beforeEach(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-blobstream-'));
  });

  it('writes the stream under its key once complete; a stream that fails leaves nothing', async () => {
    const key = path.join(home, 'uploads', 'f0');
    expect(await storage().writeBlobStream(key, body('a,b\n'.repeat(1000), { piece: 100 }))).toBe(4000);
    expect((await fs.readFile(key, 'utf8')).length).toBe(4000);
    const broken = path.join(home, 'uploads', 'f1');
    await expect(storage().writeBlobStream(broken, body('a,b\n'.repeat(1000), { piece: 100, fail: true }))).rejects.toThrow('socket hang up');
    expect(await fs.readdir(path.join(home, 'uploads'))).toEqual(['f0']);
  });
});

describe('a request body streamed from Node (the fast path\'s ApiRequest.body())', () => {
  it('refusing it midway still answers the client, which is still sending', async () => {
    const server = http.createServer((req, res) => {
      readMultipart(apiRequestOf(req).body(), String(req.headers['content-type']), limits({ maxBytes: 64 * 1024 }), async (f) => void (await collect(f.stream))).then(
        () => res.writeHead(200).end('taken'),
        (e: AppError) => res.writeHead(e.status).end(e.code),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, method: 'POST', path: '/', headers: { 'content-type': TYPE } }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c));
          res.on('end', () => {
            req.destroy();
            resolve({ status: res.statusCode ?? 0, text });
          });
        });
        req.on('error', reject);
        req.write(form([{ name: 'files', filename: 'a.csv', content: '' }], false).replace(/\r\n$/, ''));
        // Chunked and never ended: only the limit can end it.
        const piece = Buffer.alloc(16 * 1024, 'a,b\n');
        const pump = () => {
          while (!req.destroyed && req.write(piece));
          if (!req.destroyed) req.once('drain', pump);
        };
        pump();
      });
      expect(answer).toEqual({ status: 413, text: 'payload_too_large' });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
