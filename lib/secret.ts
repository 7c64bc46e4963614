// Raw fs, not lib/storage: the generated secret is a single-machine convenience, read
// synchronously while next-auth is configured. A deployment on several machines (or on the
// database backend) sets NEXTAUTH_SECRET, and this file is never read.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { platformPath } from './storage/paths';

let cached: string | undefined;

/**
 * The key that signs sessions: `NEXTAUTH_SECRET` when set, else one generated on first start and
 * kept in `$FORESIGHT_HOME/platform/auth-secret` (mode 600), so sessions survive restarts.
 */
export function authSecret(): string {
  if (process.env.NEXTAUTH_SECRET) return process.env.NEXTAUTH_SECRET;
  if (cached) return cached;
  const file = platformPath('auth-secret');
  try {
    cached = fs.readFileSync(file, 'utf8').trim();
    if (cached.length >= 32) return cached;
  } catch {
    // first start
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  try {
    fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    cached = secret;
  } catch {
    cached = fs.readFileSync(file, 'utf8').trim(); // another process won the race
  }
  return cached;
}
