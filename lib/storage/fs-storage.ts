import fs from 'node:fs/promises';
import fsSync from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ZodType } from 'zod';
import { AppError } from '../errors';
import { MissingFolderError, withExclusiveLock, withFileLock, withFileLockSync } from './lock';
import type { Storage, UpdateOptions } from './types';

/** A hidden temp name beside the file (list() skips it) for a write not yet complete. */
const tempNameOf = (filePath: string) => path.join(path.dirname(filePath), `.${path.basename(filePath)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);

async function fsyncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on directories; the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

/** temp file + fsync + rename + directory fsync: readers see the old bytes or the new, never a mix. */
export async function atomicWriteFile(filePath: string, bytes: Uint8Array | string, createFolder = true): Promise<void> {
  const dir = path.dirname(filePath);
  if (createFolder) await fs.mkdir(dir, { recursive: true });
  const tmp = tempNameOf(filePath);
  const handle = await fs.open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(tmp, filePath);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await fsyncDir(dir);
}

/** `atomicWriteFile` for an exit handler, where no async work runs. */
function atomicWriteFileSync(filePath: string, bytes: string): void {
  const tmp = tempNameOf(filePath);
  const fd = fsSync.openSync(tmp, 'w', 0o600);
  try {
    fsSync.writeSync(fd, bytes);
    fsSync.fsyncSync(fd);
  } finally {
    fsSync.closeSync(fd);
  }
  try {
    fsSync.renameSync(tmp, filePath);
  } catch (e) {
    fsSync.rmSync(tmp, { force: true });
    throw e;
  }
  try {
    const dir = fsSync.openSync(path.dirname(filePath), 'r');
    try {
      fsSync.fsyncSync(dir);
    } finally {
      fsSync.closeSync(dir);
    }
  } catch {
    // Some file systems refuse fsync on directories; the rename is still atomic.
  }
}

function parseDocument<T>(key: string, text: string, schema: ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new AppError('internal', `Stored document ${path.basename(key)} is not valid JSON.`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError('internal', `Stored document ${path.basename(key)} does not match its schema: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

async function readIfExists(key: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(key);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function readIfExistsSync(key: string): Buffer | undefined {
  try {
    return fsSync.readFileSync(key);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** The file backend of `Storage`. Keys are absolute paths from `tenantPath` / `platformPath`. */
export class FileStorage implements Storage {
  async readJson<T>(key: string, schema: ZodType<T>): Promise<T | undefined> {
    const bytes = await readIfExists(key);
    return bytes === undefined ? undefined : parseDocument(key, bytes.toString('utf8'), schema);
  }

  async writeJson(key: string, value: unknown): Promise<void> {
    await withFileLock(key, () => atomicWriteFile(key, JSON.stringify(value, null, 2)));
  }

  async updateJson<T>(key: string, schema: ZodType<T>, init: () => T, change: (current: T) => T | Promise<T>, options: UpdateOptions = {}): Promise<T> {
    const createFolder = options.createFolder ?? true;
    return withFileLock(
      key,
      async () => {
        const bytes = await readIfExists(key);
        const current = bytes === undefined ? init() : parseDocument(key, bytes.toString('utf8'), schema);
        const next = await change(current);
        try {
          await atomicWriteFile(key, JSON.stringify(next, null, 2), createFolder);
        } catch (e) {
          if (!createFolder && (e as NodeJS.ErrnoException).code === 'ENOENT') throw new MissingFolderError(path.dirname(key));
          throw e;
        }
        return next;
      },
      { createFolder },
    );
  }

  async appendLine(key: string, record: unknown): Promise<void> {
    const line = JSON.stringify(record);
    if (line.includes('\n')) throw new AppError('internal', 'A log record must serialise to one line.');
    await withFileLock(key, async () => {
      await fs.mkdir(path.dirname(key), { recursive: true });
      const handle = await fs.open(key, 'a', 0o600);
      try {
        // A torn line from an earlier crash must not glue onto this record.
        const { size } = await handle.stat();
        let prefix = '';
        if (size > 0) {
          const last = Buffer.alloc(1);
          const probe = await fs.open(key, 'r');
          try {
            await probe.read(last, 0, 1, size - 1);
          } finally {
            await probe.close();
          }
          if (last[0] !== 0x0a) prefix = '\n';
        }
        await handle.appendFile(`${prefix}${line}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
    });
  }

  async readLines<T>(key: string, schema: ZodType<T>): Promise<T[]> {
    const bytes = await readIfExists(key);
    if (!bytes) return [];
    const out: T[] = [];
    for (const line of bytes.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        continue; // a torn line from a crash mid-append
      }
      const parsed = schema.safeParse(raw);
      if (parsed.success) out.push(parsed.data);
    }
    return out;
  }

  async writeBlob(key: string, bytes: Uint8Array): Promise<void> {
    await withFileLock(key, () => atomicWriteFile(key, bytes));
  }

  async writeBlobStream(key: string, source: AsyncIterable<Uint8Array>): Promise<number> {
    return withFileLock(key, async () => {
      const dir = path.dirname(key);
      await fs.mkdir(dir, { recursive: true });
      // A hidden temp name (list() skips it) until the last byte is on disk.
      const tmp = tempNameOf(key);
      const handle = await fs.open(tmp, 'w', 0o600);
      let size = 0;
      try {
        for await (const chunk of source) {
          await handle.write(chunk);
          size += chunk.byteLength;
        }
        await handle.sync();
      } catch (e) {
        await handle.close();
        await fs.rm(tmp, { force: true });
        throw e;
      }
      await handle.close();
      try {
        await fs.rename(tmp, key);
      } catch (e) {
        await fs.rm(tmp, { force: true });
        throw e;
      }
      await fsyncDir(dir);
      return size;
    });
  }

  async readBlob(key: string): Promise<Buffer | undefined> {
    return readIfExists(key);
  }

  async exists(key: string): Promise<boolean> {
    try {
      await fs.access(key);
      return true;
    } catch {
      return false;
    }
  }

  async list(key: string): Promise<string[]> {
    try {
      return (await fs.readdir(key)).filter((n) => !n.startsWith('.') && !n.endsWith('.lock') && !n.endsWith('.tmp')).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }

  async remove(key: string): Promise<void> {
    await fs.rm(key, { recursive: true, force: true });
  }

  async sizeOf(key: string): Promise<number> {
    let stat;
    try {
      stat = await fs.stat(key);
    } catch {
      return 0;
    }
    if (!stat.isDirectory()) return stat.size;
    let total = 0;
    for (const name of await fs.readdir(key)) total += await this.sizeOf(path.join(key, name));
    return total;
  }

  async renameKey(from: string, to: string): Promise<void> {
    await withFileLock(to, async () => {
      try {
        await fs.rename(from, to);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !(await this.exists(from))) throw new AppError('not_found', `Nothing is stored under ${path.basename(from)} to move.`);
        throw e;
      }
      await fsyncDir(path.dirname(to));
      if (path.dirname(from) !== path.dirname(to)) await fsyncDir(path.dirname(from));
    });
  }

  /**
   * Inode, size, modification and change times, from one synchronous stat: a few microseconds,
   * less than one trip through libuv's thread pool. Every write is temp file + rename, so any
   * write, by any process, gives the file a new inode (and new times).
   */
  signature(key: string): string {
    try {
      const s = fsSync.statSync(key, { bigint: true });
      return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
      throw e;
    }
  }

  withLock<T>(key: string, work: () => Promise<T>, options: UpdateOptions = {}): Promise<T> {
    return withFileLock(key, work, { createFolder: options.createFolder ?? true });
  }

  withExclusiveLock<T>(key: string, busyMessage: string, work: () => Promise<T>): Promise<T> {
    return withExclusiveLock(key, busyMessage, work);
  }

  readJsonSync<T>(key: string, schema: ZodType<T>): T | undefined {
    const bytes = readIfExistsSync(key);
    return bytes === undefined ? undefined : parseDocument(key, bytes.toString('utf8'), schema);
  }

  updateJsonSync<T>(key: string, schema: ZodType<T>, init: () => T, change: (current: T) => T, options: UpdateOptions = {}): T {
    if (options.createFolder ?? true) fsSync.mkdirSync(path.dirname(key), { recursive: true });
    return withFileLockSync(key, () => {
      const bytes = readIfExistsSync(key);
      const next = change(bytes === undefined ? init() : parseDocument(key, bytes.toString('utf8'), schema));
      atomicWriteFileSync(key, JSON.stringify(next, null, 2));
      return next;
    });
  }
}
