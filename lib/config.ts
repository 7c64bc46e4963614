import path from 'node:path';

/**
 * Runtime settings read from the environment (documented in README "Environment").
 * Read lazily so tests and the CLI can set variables before first use.
 */
export function foresightHome(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.FORESIGHT_HOME || process.cwd());
}

function intFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`Environment variable ${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return n;
}

export const settings = {
  /** Minutes of inactivity after which a session ends. */
  sessionIdleMinutes: () => intFromEnv('SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
  /** Failed sign-ins before the account locks. */
  lockoutAttempts: () => intFromEnv('LOCKOUT_ATTEMPTS', 5, 1, 100),
  /** Minutes an account stays locked. */
  lockoutMinutes: () => intFromEnv('LOCKOUT_MINUTES', 15, 1, 24 * 60),
  /** bcrypt cost factor. */
  bcryptRounds: () => intFromEnv('BCRYPT_ROUNDS', 10, 4, 15),
  /** Threads a training process (job worker, CLI) fits trees on; 0 = the available cores, at most 4. */
  trainingThreads: () => intFromEnv('FORESIGHT_TRAINING_THREADS', 0, 0, 64),
  /**
   * Largest upload (one import request, all its files) in bytes, from FORESIGHT_UPLOAD_MAX_MB.
   * 512 MB holds a few million rows of a generic CSV (Walmart's rows take about 56 bytes) or the
   * retail files of several years; uploads stream to disk, so the cap guards the disk, not memory.
   */
  uploadMaxBytes: () => intFromEnv('FORESIGHT_UPLOAD_MAX_MB', 512, 1, 1024 * 1024) * 1024 * 1024,
  /** Days beyond the bulk of an import's observation dates (after or before) from which a date is refused as a typo. */
  importMaxDateGapDays: () => intFromEnv('IMPORT_MAX_DATE_GAP_DAYS', 366, 1, 1_000_000),
};
