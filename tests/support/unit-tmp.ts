import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Vitest global setup of the unit tests: every test's temporary store (`fs.mkdtemp(os.tmpdir())`)
 * goes into one directory of this run, removed at the end, so runs leave nothing in /tmp. The
 * test workers inherit TMPDIR; os.tmpdir() reads it on every call.
 */
export default function setup(): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'foresight-unit-run-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
