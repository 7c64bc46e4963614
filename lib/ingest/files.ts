/**
 * Reading uploads from a directory (CLI `ingest --dir D`, the demo seeding): the `.csv` files
 * directly in it, as `UploadedFile`s. Sizes are checked before reading, so an oversize file is
 * reported by the importer without being loaded.
 */
// Raw fs, not lib/storage: the directory is the user's own (a CLI argument), not stored state;
// what is read from it goes through the importer into storage like an upload.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { UploadedFile } from './csv';

/**
 * The `.csv` files directly in `dir` (no recursion, symlinks not followed out of it).
 * A file over `maxFileBytes` is returned with empty bytes and its size in `oversize`, so the
 * caller can report it without reading it.
 */
export async function readCsvDir(dir: string, maxFileBytes = Number.POSITIVE_INFINITY): Promise<{ files: UploadedFile[]; oversize: { name: string; bytes: number }[] }> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: UploadedFile[] = [];
  const oversize: { name: string; bytes: number }[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!e.isFile() || !e.name.toLowerCase().endsWith('.csv')) continue;
    const p = path.join(dir, e.name);
    const size = (await stat(p)).size;
    if (size > maxFileBytes) {
      oversize.push({ name: e.name, bytes: size });
      continue;
    }
    files.push({ name: e.name, bytes: new Uint8Array(await readFile(p)) });
  }
  return { files, oversize };
}
