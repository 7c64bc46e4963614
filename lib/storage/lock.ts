import fs from 'node:fs/promises';
import fsSync from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors';
import { processAlive } from '../process';
import { processSingleton } from '../process-state';

/**
 * Serialises work on one file, within this process (a promise chain per path) and across
 * processes (an exclusive `.lock` file beside it, so the CLI and the server never interleave).
 * A lock file left by a dead process is taken over; a live owner keeps it however long it works.
 */
// Process-wide: Next.js may load this module once per bundle layer, and all must share the chains.
const chains = processSingleton('storage.lock-chains', () => new Map<string, Promise<unknown>>());
const WAIT_MS = 15_000;

/** Thrown by a lock or write that must not create its folder, when the folder is gone (e.g. a deleted tenant). */
export class MissingFolderError extends Error {
  constructor(readonly folder: string) {
    super(`${folder} does not exist`);
    this.name = 'MissingFolderError';
  }
}

async function acquireFileLock(lockPath: string, waitMs = WAIT_MS, createFolder = true): Promise<() => Promise<void>> {
  const started = Date.now();
  let delay = 2;
  if (createFolder) await fs.mkdir(path.dirname(lockPath), { recursive: true });
  for (;;) {
    try {
      const handle = await fs.open(lockPath, 'wx');
      await handle.writeFile(`${process.pid} ${Date.now()}`);
      await handle.close();
      return async () => {
        await fs.rm(lockPath, { force: true });
      };
    } catch (e) {
      if (!createFolder && (e as NodeJS.ErrnoException).code === 'ENOENT') throw new MissingFolderError(path.dirname(lockPath));
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    // Someone holds it: take it over if its owner is gone, or if its owner died between creating
    // it and writing its pid (an empty lock file older than a moment).
    try {
      const [text, stat] = await Promise.all([fs.readFile(lockPath, 'utf8'), fs.stat(lockPath)]);
      const pid = Number(text.split(' ')[0]);
      const age = Date.now() - stat.mtimeMs;
      const ownerKnown = Number.isInteger(pid) && pid > 0;
      const ownerGone = ownerKnown && pid !== process.pid && !processAlive(pid);
      if (ownerGone || (!ownerKnown && age > 1_000)) {
        await fs.rm(lockPath, { force: true });
        continue;
      }
    } catch {
      // Lock vanished between our attempts: just retry.
    }
    if (Date.now() - started > waitMs) {
      throw new AppError('conflict', 'The file is busy: another process holds its lock. Try again.');
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 50);
  }
}

/**
 * Runs `work` while holding the lock of `filePath`. With `createFolder: false` the lock never
 * creates the file's folder: a missing folder throws MissingFolderError (for background writes that
 * must not bring back a deleted tenant's files).
 */
export async function withFileLock<T>(filePath: string, work: () => Promise<T>, options: { createFolder?: boolean } = {}): Promise<T> {
  const previous = chains.get(filePath) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(async () => {
    const release = await acquireFileLock(`${filePath}.lock`, WAIT_MS, options.createFolder ?? true);
    try {
      return await work();
    } finally {
      await release();
    }
  });
  const tail = run.catch(() => undefined);
  chains.set(filePath, tail);
  void tail.then(() => {
    if (chains.get(filePath) === tail) chains.delete(filePath);
  });
  return run;
}

/**
 * Runs `work` holding an exclusive lock named `lockPath`, or throws AppError conflict at once when
 * another process or caller holds it (for work that must never queue, like a retraining cycle).
 */
export async function withExclusiveLock<T>(lockPath: string, busyMessage: string, work: () => Promise<T>): Promise<T> {
  let release: () => Promise<void>;
  try {
    release = await acquireFileLock(`${lockPath}.lock`, 0);
  } catch (e) {
    if (e instanceof AppError && e.code === 'conflict') throw new AppError('conflict', busyMessage);
    throw e;
  }
  try {
    return await work();
  } finally {
    await release();
  }
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Runs `work` synchronously holding the lock of `filePath`, by the same lock-file protocol as
 * `withFileLock`, for a process 'exit' handler (no async work runs there). At exit no async work
 * of this process will ever finish, so a lock held by this very process (a write cut short by the
 * exit) is taken over after a short pause for a system call already under way. Waits at most 3 s
 * for another live process.
 * @throws MissingFolderError when the file's folder does not exist (the caller creates it or not).
 */
export function withFileLockSync<T>(filePath: string, work: () => T): T {
  const lockPath = `${filePath}.lock`;
  const deadline = Date.now() + 3_000;
  for (let ownWait = true; ; ) {
    try {
      const fd = fsSync.openSync(lockPath, 'wx');
      fsSync.writeSync(fd, `${process.pid} ${Date.now()}`);
      fsSync.closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new MissingFolderError(path.dirname(lockPath));
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let pid: number;
    try {
      pid = Number(fsSync.readFileSync(lockPath, 'utf8').split(' ')[0]);
    } catch {
      continue; // released meanwhile
    }
    if (pid === process.pid && ownWait) {
      sleepSync(20); // our own write, cut short: let a system call already under way finish
      ownWait = false;
      continue;
    }
    if (pid === process.pid || (Number.isInteger(pid) && pid > 0 && !processAlive(pid))) {
      fsSync.rmSync(lockPath, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new AppError('conflict', 'The file is busy: another process holds its lock.');
    sleepSync(5);
  }
  try {
    return work();
  } finally {
    fsSync.rmSync(lockPath, { force: true });
  }
}
