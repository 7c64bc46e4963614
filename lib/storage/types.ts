import type { ZodType } from 'zod';

/**
 * The storage contract: documents (JSON), append-only logs (JSON Lines), blobs and locks. It is
 * the whole contract: no code outside lib/storage reads or writes tenant or platform state any
 * other way, so a PostgreSQL backend implements exactly this interface (docs/architecture.md,
 * "Storage").
 *
 * A key is the location a resolver (`tenantPath`, `platformPath`) returned. The file backend
 * uses it as a path; a PostgreSQL backend would use its part below FORESIGHT_HOME as a row key.
 * Every write is atomic and writes to one key are serialised, so concurrent callers never lose
 * an update or see a half-written document.
 */
export interface UpdateOptions {
  /**
   * false: never create the key's folder; when it is gone (a deleted tenant) the update throws
   * MissingFolderError and writes nothing. For background writes racing a deletion.
   */
  createFolder?: boolean;
}

export interface Storage {
  /** The document, parsed and validated, or undefined when it does not exist. */
  readJson<T>(key: string, schema: ZodType<T>): Promise<T | undefined>;
  /** Replaces the document atomically. */
  writeJson(key: string, value: unknown): Promise<void>;
  /**
   * Read-modify-write under the key's lock: `change` gets the current document (or `init()`),
   * returns the new one, which is written atomically. Returns what was written.
   */
  updateJson<T>(key: string, schema: ZodType<T>, init: () => T, change: (current: T) => T | Promise<T>, options?: UpdateOptions): Promise<T>;
  /** Appends one record as a JSON line (durable when it returns). */
  appendLine(key: string, record: unknown): Promise<void>;
  /** All complete records of a log, oldest first; a torn last line (crash mid-append) is skipped. */
  readLines<T>(key: string, schema: ZodType<T>): Promise<T[]>;
  /** Replaces a binary object atomically. */
  writeBlob(key: string, bytes: Uint8Array): Promise<void>;
  /**
   * Writes a binary object from a stream, as it arrives, and returns its size: it appears under
   * `key` only once complete (a stream that errors leaves nothing, not a shorter object).
   */
  writeBlobStream(key: string, source: AsyncIterable<Uint8Array>): Promise<number>;
  readBlob(key: string): Promise<Buffer | undefined>;
  exists(key: string): Promise<boolean>;
  /** Names directly under a key (empty when it does not exist). */
  list(key: string): Promise<string[]>;
  /** Deletes a key and everything below it. */
  remove(key: string): Promise<void>;
  /** Total bytes stored below a key. */
  sizeOf(key: string): Promise<number>;

  /**
   * Moves the object at `from` to `to` in one atomic step (replacing what `to` held), under the
   * lock of `to`: readers of `to` see the old object or the new one, never neither.
   * @throws AppError not_found when nothing is stored under `from` (and nothing changes).
   */
  renameKey(from: string, to: string): Promise<void>;
  /**
   * A cheap, synchronous fingerprint of the current version of `key` (`'missing'` when absent),
   * for caches that revalidate on every read: it changes whenever the value does, whoever wrote
   * it. It reads metadata, never the value (the file backend: one stat). undefined when this
   * backend has no such fingerprint: the caller reads instead.
   */
  signature(key: string): string | undefined;
  /**
   * Runs `work` holding the write lock of `key`, the one `updateJson` and every write to `key`
   * take (across processes too); `key` may also name a lock with no object (a tenant's import).
   * Callers queue: work on one key runs one at a time.
   */
  withLock<T>(key: string, work: () => Promise<T>, options?: UpdateOptions): Promise<T>;
  /**
   * Runs `work` holding the exclusive lock named `key`, or throws AppError conflict with
   * `busyMessage` at once when anyone (this process included) holds it: for work that must never
   * queue, like a retraining cycle.
   */
  withExclusiveLock<T>(key: string, busyMessage: string, work: () => Promise<T>): Promise<T>;

  /**
   * The synchronous `readJson`, for a process 'exit' handler (no async work runs there) and for
   * nothing else.
   */
  readJsonSync<T>(key: string, schema: ZodType<T>): T | undefined;
  /**
   * The synchronous `updateJson`, for a process 'exit' handler and for nothing else: at exit no
   * async work of this process will ever finish, so a lock this very process still holds (a write
   * cut short by the exit) is taken over. Waits a few seconds at most for another process's lock.
   */
  updateJsonSync<T>(key: string, schema: ZodType<T>, init: () => T, change: (current: T) => T, options?: UpdateOptions): T;
}
