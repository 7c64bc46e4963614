import { describe, it, expect, beforeEach } from 'vitest';
import fs from 'node:fs/promises';
import fsSync from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { z } from 'zod';
import ts from 'typescript';
import { isAppError } from '@/lib/errors';
import { MissingFolderError } from '@/lib/storage/lock';
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

async function appErrorOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isAppError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected an AppError');
}

describe('FileStorage: the methods that replaced raw fs outside lib/storage', () => {
  it('renameKey moves an object in one step: readers of the target see the old one or the new, never none', async () => {
    const store = new FileStorage();
    const to = tenantPath('acme', 'models', 'artifacts', 'v1.json');
    await store.writeJson(to, { n: 0 });
    const N = z.object({ n: z.number() });
    let reading = true;
    const seen: (number | undefined)[] = [];
    const reader = (async () => {
      while (reading) {
        seen.push((await store.readJson(to, N))?.n);
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let i = 1; i <= 30; i++) {
      const from = tenantPath('acme', 'models', 'artifacts', `pending-${i}.json`);
      await store.writeJson(from, { n: i });
      await store.renameKey(from, to);
      expect(await store.exists(from)).toBe(false);
    }
    reading = false;
    await reader;
    expect(await store.readJson(to, N)).toEqual({ n: 30 });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((n) => typeof n === 'number')).toBe(true);
    expect(await fs.readdir(path.dirname(to))).toEqual(['v1.json']);
  });

  it('renameKey of nothing is not_found and leaves the target as it was', async () => {
    const store = new FileStorage();
    const to = tenantPath('acme', 'models', 'artifacts', 'v2.json');
    await store.writeJson(to, { kept: true });
    const e = await appErrorOf(store.renameKey(tenantPath('acme', 'models', 'artifacts', 'pending-none.json'), to));
    expect(e.code).toBe('not_found');
    expect(await store.readJson(to, z.object({ kept: z.boolean() }))).toEqual({ kept: true });
    expect(await fs.readdir(path.dirname(to))).toEqual(['v2.json']);
  });

  it('signature is "missing" for nothing, stays put while unchanged, and changes on every write (any writer, same bytes too)', async () => {
    const store = new FileStorage();
    const key = tenantPath('acme', 'tenants', 'apikeys.json');
    expect(store.signature(key)).toBe('missing');
    await store.writeJson(key, { keys: [] });
    const first = store.signature(key);
    expect(first).not.toBe('missing');
    await store.readJson(key, z.unknown());
    expect(store.signature(key)).toBe(first);
    await store.writeJson(key, { keys: [] }); // the same bytes
    const second = store.signature(key);
    expect(second).not.toBe(first);
    // Another process's write (the CLI) changes it too.
    execFileSync(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(`${key}.new`)}, '{"keys":[]}'); require('fs').renameSync(${JSON.stringify(`${key}.new`)}, ${JSON.stringify(key)})`]);
    expect(store.signature(key)).not.toBe(second);
    await store.remove(key);
    expect(store.signature(key)).toBe('missing');
  });

  it('signature is a stat, never a read: it answers at once for a named pipe, which a read would wait on forever', () => {
    const store = new FileStorage();
    const pipe = platformPath('pipe.json');
    execFileSync('mkdir', ['-p', path.dirname(pipe)]);
    execFileSync('mkfifo', [pipe]);
    expect(store.signature(pipe)).toMatch(/^\d+:0:\d+:\d+$/);
  });

  it('withLock is the lock every write of the key takes: an update waits for the work holding it', async () => {
    const store = new FileStorage();
    const key = tenantPath('acme', 'tenants', 'usage.json');
    const C = z.object({ n: z.number() });
    const order: string[] = [];
    let release: () => void = () => {};
    const held = store.withLock(key, async () => {
      order.push('locked');
      await new Promise<void>((r) => (release = r));
      order.push('released');
    });
    await new Promise((r) => setTimeout(r, 20));
    const update = store.updateJson(key, C, () => ({ n: 0 }), (c) => {
      order.push('update');
      return { n: c.n + 1 };
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(order).toEqual(['locked']);
    release();
    await Promise.all([held, update]);
    expect(order).toEqual(['locked', 'released', 'update']);
    // A lock of a name with no object (a tenant's import) leaves nothing behind.
    await store.withLock(tenantPath('acme', 'data', 'import'), async () => {});
    expect(await fs.readdir(path.join(home, 'data', 'acme'))).toEqual([]);
  });

  it('withLock with createFolder: false never creates the folder: a deleted tenant stays deleted', async () => {
    const store = new FileStorage();
    await expect(store.withLock(tenantPath('gone', 'tenants', 'usage.json'), async () => 'ran', { createFolder: false })).rejects.toBeInstanceOf(MissingFolderError);
    await expect(fs.access(path.join(home, 'tenants', 'gone'))).rejects.toThrow();
  });

  it('withExclusiveLock refuses a second holder at once with the given message, and is free again afterwards', async () => {
    const store = new FileStorage();
    const key = tenantPath('acme', 'models', 'retrain-cycle');
    let release: () => void = () => {};
    const first = store.withExclusiveLock(key, 'A cycle is already running.', () => new Promise<string>((r) => (release = () => r('first'))));
    await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    expect(await appErrorOf(store.withExclusiveLock(key, 'A cycle is already running.', async () => 'second'))).toEqual({ code: 'conflict', message: 'A cycle is already running.' });
    expect(Date.now() - started).toBeLessThan(1_000);
    release();
    expect(await first).toBe('first');
    expect(await store.withExclusiveLock(key, 'busy', async () => 'again')).toBe('again');
  });

  it('readJsonSync and updateJsonSync (for exit hooks) read and write what the async methods do, under the same lock', async () => {
    const store = new FileStorage();
    const key = tenantPath('acme', 'tenants', 'usage.json');
    const C = z.object({ n: z.number(), by: z.array(z.string()) });
    expect(store.readJsonSync(key, C)).toBeUndefined();
    expect(store.updateJsonSync(key, C, () => ({ n: 0, by: [] }), (c) => ({ n: c.n + 1, by: [...c.by, 'sync'] }))).toEqual({ n: 1, by: ['sync'] });
    await store.updateJson(key, C, () => ({ n: 0, by: [] }), (c) => ({ n: c.n + 1, by: [...c.by, 'async'] }));
    expect(store.readJsonSync(key, C)).toEqual({ n: 2, by: ['sync', 'async'] });
    // A lock left by a dead process, or by this one (an async write cut short by the exit), is taken over.
    for (const owner of [2 ** 22 + 17, process.pid]) {
      await fs.writeFile(`${key}.lock`, `${owner} ${Date.now()}`);
      expect(store.updateJsonSync(key, C, () => ({ n: 0, by: [] }), (c) => ({ n: c.n + 1, by: c.by })).n).toBe(owner === process.pid ? 4 : 3);
    }
    expect((await fs.readdir(path.dirname(key))).sort()).toEqual(['usage.json']);
    expect(() => store.updateJsonSync(tenantPath('gone', 'tenants', 'usage.json'), C, () => ({ n: 0, by: [] }), (c) => c, { createFolder: false })).toThrow(MissingFolderError);
    await expect(fs.access(path.join(home, 'tenants', 'gone'))).rejects.toThrow();
  });

  it('updateJsonSync does not take the lock of another live process: it gives up with a conflict and writes nothing', async () => {
    const store = new FileStorage();
    const key = tenantPath('acme', 'tenants', 'usage.json');
    const C = z.object({ n: z.number() });
    await store.writeJson(key, { n: 7 });
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    try {
      await fs.writeFile(`${key}.lock`, `${other.pid} ${Date.now()}`);
      expect(() => store.updateJsonSync(key, C, () => ({ n: 0 }), (c) => ({ n: c.n + 1 }))).toThrow(/busy/);
      expect(await store.readJson(key, C)).toEqual({ n: 7 });
    } finally {
      other.kill('SIGKILL');
    }
  }, 10_000);
});

/** Files under lib/ (outside lib/storage) that import node:fs, and why each must. */
const RAW_FS_ALLOWED: Readonly<Record<string, string>> = {
  'lib/process.ts': '/proc, the machine’s processes',
  'lib/secret.ts': 'the single-machine auth secret, read synchronously while next-auth is configured',
  'lib/http/vendor-files.ts': 'files of the installed packages',
  'lib/reports/pdf.ts': 'fonts of the installed packages',
  'lib/ingest/files.ts': 'the user’s own input directory (CLI)',
  'lib/ingest/demo.ts': 'demo input files written where the user says',
};

describe('the Storage contract', () => {
  it('is the only way lib/ reaches stored state: no other lib file imports node:fs, except the listed non-state files', () => {
    const root = path.resolve(__dirname, '../../..');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of fsSync.readdirSync(path.join(root, dir), { withFileTypes: true })) {
        const rel = `${dir}/${e.name}`;
        if (e.isDirectory()) walk(rel);
        else if (e.name.endsWith('.ts') || e.name.endsWith('.tsx')) files.push(rel);
      }
    };
    walk('lib');
    const importsFs = (file: string): boolean => {
      const text = fsSync.readFileSync(path.join(root, file), 'utf8');
      const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
      return src.statements.some((st) => ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) && /^(node:)?fs(\/promises)?$/.test(st.moduleSpecifier.text));
    };
    const offenders = files.filter((f) => !f.startsWith('lib/storage/') && importsFs(f) && !(f in RAW_FS_ALLOWED));
    expect(offenders).toEqual([]);
    // Each allowed file still needs it and says why where it imports it.
    for (const f of Object.keys(RAW_FS_ALLOWED)) {
      expect(importsFs(f), f).toBe(true);
      expect(fsSync.readFileSync(path.join(root, f), 'utf8'), f).toMatch(/Raw fs, not lib\/storage/);
    }
  });
});
