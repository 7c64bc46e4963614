import { describe, it, expect, beforeEach } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { AppError } from '@/lib/errors';
import { readMultipart, type MultipartLimits } from '@/lib/http/multipart';
import { storage } from '@/lib/storage';

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
