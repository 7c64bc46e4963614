import { describe, it, expect, beforeEach } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { z } from 'zod';
import { FileStorage } from '@/lib/storage/fs-storage';
import { tenantPath, platformPath } from '@/lib/storage/paths';

let home: string;
beforeEach(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-storage-'));
  process.env.FORESIGHT_HOME = home;
});

const Counter = z.object({ count: z.number(), seen: z.array(z.number()) });

describe('FileStorage', () => {
  it('lands all 200 concurrent updates of one document, and the file always parses', async () => {
    const store = new FileStorage();
    const key = tenantPath('acme', 'tenants', 'counter.json');
    let parseFailures = 0;
    let reading = true;
    const reader = (async () => {
      while (reading) {
        try {
          JSON.parse(await fs.readFile(key, 'utf8'));
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') parseFailures++;
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        store.updateJson(key, Counter, () => ({ count: 0, seen: [] }), (c) => ({ count: c.count + 1, seen: [...c.seen, i] })),
      ),
    );
    reading = false;
    await reader;
    const final = await store.readJson(key, Counter);
    expect(final?.count).toBe(200);
    expect(new Set(final?.seen).size).toBe(200);
    expect(parseFailures).toBe(0);
    // No temp or lock files left behind.
    expect((await fs.readdir(path.dirname(key))).sort()).toEqual(['counter.json']);
  });

  it('lands every update when 4 processes and this one update the same document at once', async () => {
    // The server and the CLI are separate processes: the per-file lock must hold across them too.
    const key = tenantPath('acme', 'tenants', 'shared-counter.json');
    const child = path.join(home, 'updater.ts');
    const storageModule = path.resolve(__dirname, '../../../lib/storage/fs-storage.ts');
    const zodModule = createRequire(__filename).resolve('zod');
    await fs.writeFile(
      child,
      [
        `import { z } from ${JSON.stringify(zodModule)};`,
        `import { FileStorage } from ${JSON.stringify(storageModule)};`,
        `const [file, who] = process.argv.slice(2);`,
        `const Counter = z.object({ count: z.number(), seen: z.array(z.string()) });`,
        `const store = new FileStorage();`,
        `void Promise.all(Array.from({ length: 40 }, (_, i) => store.updateJson(file, Counter, () => ({ count: 0, seen: [] }), (c) => ({ count: c.count + 1, seen: [...c.seen, who + ':' + i] })))).catch((e) => { console.error(e); process.exit(1); });`,
      ].join('\n'),
    );
    const children = ['p1', 'p2', 'p3', 'p4'].map(
      (who) =>
        new Promise<number | null>((resolve) => {
          const p = spawn(process.execPath, ['--import', 'tsx', child, key, who], { cwd: path.resolve(__dirname, '../../..'), stdio: ['ignore', 'ignore', 'inherit'] });
          p.once('exit', resolve);
        }),
    );
    const store = new FileStorage();
    const Shared = z.object({ count: z.number(), seen: z.array(z.string()) });
    const own = Promise.all(Array.from({ length: 40 }, (_, i) => store.updateJson(key, Shared, () => ({ count: 0, seen: [] }), (c) => ({ count: c.count + 1, seen: [...c.seen, `main:${i}`] }))));
    expect(await Promise.all(children)).toEqual([0, 0, 0, 0]);
    await own;
    const final = await store.readJson(key, Shared);
    expect(final?.count).toBe(200);
    expect(new Set(final?.seen).size).toBe(200);
    expect((await fs.readdir(path.dirname(key))).filter((n) => n.includes('shared-counter')).sort()).toEqual(['shared-counter.json']);
  }, 60_000);

  it('leaves the last completed write when a writer is killed mid-write', async () => {
    const key = platformPath('crash.json');
    const script = path.resolve(__dirname, '../../support/write-loop.ts');
    for (let round = 0; round < 8; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', script, key], { stdio: ['ignore', 'pipe', 'inherit'] });
      let lastCompleted = 0;
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const l of lines) if (l) lastCompleted = Number(l);
      });
      // Let it write for a while (first round waits for start-up), then kill it without warning.
      await new Promise<void>((resolve) => {
        const started = Date.now();
        const tick = setInterval(() => {
          if (lastCompleted > 0 && Date.now() - started > 50 + round * 37) {
            clearInterval(tick);
            resolve();
          }
        }, 5);
      });
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const doc = JSON.parse(await fs.readFile(key, 'utf8')) as { seq: number; payload: string; check: number };
      // The file holds the last write reported complete, or the one that completed just before the kill
      // but had not yet been reported; never a mix and never an older one.
      expect([lastCompleted, lastCompleted + 1]).toContain(doc.seq);
      expect(doc.check).toBe(doc.seq * 7);
      expect(doc.payload.length).toBe(64 * 1024);
    }
  }, 60_000);

  it('skips a torn last line of a log and keeps appending cleanly', async () => {
    const store = new FileStorage();
    const key = tenantPath('acme', 'tenants', 'audit.jsonl');
    const Rec = z.object({ n: z.number() });
    await store.appendLine(key, { n: 1 });
    await fs.appendFile(key, '{"n": 2, "trunc'); // a crash mid-append
    await store.appendLine(key, { n: 3 });
    expect(await store.readLines(key, Rec)).toEqual([{ n: 1 }, { n: 3 }]);
  });

  it('refuses path tricks and bad tenant ids', () => {
    const bad: [string, string][] = [
      ['../etc', 'x.json'],
      ['acme', '../other/users.json'],
      ['acme', '..'],
      ['acme', '/etc/passwd'],
      ['acme', '%2e%2e'],
      ['ACME', 'x.json'],
      ['acme/../b', 'x.json'],
      ['', 'x.json'],
      ['acme', '.hidden'],
      ['acme', 'a\0b'],
    ];
    for (const [tenant, seg] of bad) {
      expect(() => tenantPath(tenant, 'tenants', seg), `${tenant} ${seg}`).toThrow();
    }
    expect(tenantPath('acme-2', 'data', 'sales.csv')).toBe(path.join(home, 'data', 'acme-2', 'sales.csv'));
  });
});
