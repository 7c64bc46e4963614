import type { ZodType } from 'zod';
import { storage } from './storage';
import { processSingleton } from './process-state';

/**
 * Small documents that every API request reads (the tenant index, a tenant's API keys), kept
 * parsed in memory and revalidated on every read by the key's `storage().signature` (the file
 * backend: one `stat` of the file, its inode, size, modification and change times). Writes are
 * temp file + rename, so any write, by this process or another (the CLI, a second server), gives
 * the file a new inode and the next read sees it: a revoked key or a suspended tenant stops
 * working on the very next request, as without the cache. On top of that an entry is re-read at
 * least once a second (a freed inode number can be reused by a later write within one clock tick
 * of the file times), and writers in this process drop the entry right after writing
 * (`forgetDocument`).
 *
 * The signature is synchronous on purpose: a stat of a local file takes a few microseconds, less
 * than one trip through libuv's thread pool (the async read it replaces costs about 150 µs of
 * open/fstat/read/close plus parsing and zod).
 *
 * A backend without signatures (`signature` gives undefined) reads through `readJson` unchanged.
 * Cached values are shared: callers must copy what they hand out (see findTenant).
 */
interface Entry {
  signature: string;
  readAt: number;
  schema: ZodType<unknown>;
  value: unknown;
}

const MAX_AGE_MS = 1_000;
const MAX_ENTRIES = 5_000;

// Process-wide: Next.js may load this module once per bundle, and a write in a server action must
// drop the entry the API routes read.
const entries = processSingleton('document-cache.entries', () => new Map<string, Entry>());

/** `storage().readJson(key, schema)`, served from memory while the document is unchanged. */
export async function readJsonCached<T>(key: string, schema: ZodType<T>): Promise<T | undefined> {
  const store = storage();
  const before = store.signature(key);
  if (before === undefined) return store.readJson(key, schema);
  const now = Date.now();
  const hit = entries.get(key);
  if (hit && hit.signature === before && hit.schema === schema && now - hit.readAt < MAX_AGE_MS) return hit.value as T | undefined;
  const value = await store.readJson(key, schema);
  // Keep it only if the document did not change while it was read (else the next read tries again).
  if (store.signature(key) === before) {
    if (entries.size >= MAX_ENTRIES && !entries.has(key)) entries.delete(entries.keys().next().value as string);
    entries.set(key, { signature: before, readAt: now, schema, value });
  }
  return value;
}

/** Drops the cached copy of `key` (writers call it right after a write). */
export function forgetDocument(key: string): void {
  entries.delete(key);
}
