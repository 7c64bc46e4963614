/**
 * Debian packages the browser-driving scripts need (the API and browser tests, `npm run screenshots`,
 * `npm run bench:api`): Chromium at /usr/bin/chromium and poppler's pdftotext / pdftoppm. Installs
 * the missing ones with apt-get when running as root; otherwise says the command to run.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';
/** How every script and test launches it. */
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

export function ensureDebianTools(): void {
  const missing: string[] = [];
  if (!fs.existsSync(CHROMIUM)) missing.push('chromium');
  if (spawnSync('pdftotext', ['-v'], { stdio: 'ignore' }).error) missing.push('poppler-utils');
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`Debian's ${missing.join(' and ')} are needed. Install with: sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`);
  }
  console.log(`Installing Debian ${missing.join(', ')}…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...missing]]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed; install them yourself: apt-get install -y ${missing.join(' ')}`);
  }
}
