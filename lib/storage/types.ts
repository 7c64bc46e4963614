import type { ZodType } from 'zod';

/**
 * The storage contract of SPEC 1: documents (JSON), append-only logs (JSON Lines) and blobs.
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
}
