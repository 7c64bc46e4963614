import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { UploadedFile } from '@/lib/ingest/csv';

export const FIXTURES = path.resolve(__dirname, '../../fixtures');

/** The hand-written 8-file retail set, as uploaded bytes. */
export function tinyRetail(): UploadedFile[] {
  const dir = path.join(FIXTURES, 'retail-tiny');
  return readdirSync(dir).map((name) => ({ name, bytes: new Uint8Array(readFileSync(path.join(dir, name))) }));
}

/** The tiny set with one file replaced. */
export function withFile(files: UploadedFile[], name: string, bytes: Uint8Array | string): UploadedFile[] {
  return files.map((f) => (f.name === name ? { name, bytes } : f));
}

export function broken(name: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(FIXTURES, 'broken', name)));
}
