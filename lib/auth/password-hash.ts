/**
 * How passwords are stored (ASVS 2.4): bcrypt over an HMAC-SHA256 pre-hash.
 *
 * bcrypt reads at most 72 bytes and stops at a NUL byte, so two long passwords sharing their
 * first 72 bytes would be the same password. Every password is therefore first reduced to
 * HMAC-SHA256 under a fixed label (not a secret: the label only separates this use of SHA-256
 * from any other), written as base64 (44 ASCII characters, never a NUL), and that is what bcrypt
 * hashes. Every byte of the password counts, up to the policy's 128 characters.
 *
 * Stored hashes carry their scheme: `hmac-sha256:$2b$…` is the current one; a bare `$2a$`/`$2b$`
 * hash is the former plain bcrypt, still accepted and replaced on the next successful sign-in.
 */
import { createHmac, randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { settings } from '../config';
import { normalisePassword } from './password-policy';

const SCHEME_PREFIX = 'hmac-sha256:';
const PREHASH_LABEL = 'foresight/password/v1';
const LEGACY_BCRYPT = /^\$2[aby]\$\d\d\$/;

function prehash(password: string): string {
  return createHmac('sha256', PREHASH_LABEL).update(normalisePassword(password), 'utf8').digest('base64');
}

/** A new stored hash in the current scheme, at the configured bcrypt cost (`BCRYPT_ROUNDS`). */
export async function hashPassword(password: string): Promise<string> {
  return SCHEME_PREFIX + (await bcrypt.hash(prehash(password), settings.bcryptRounds()));
}

export interface PasswordCheck {
  ok: boolean;
  /** The password matched a hash of the old scheme or a lower cost: store `hashPassword(password)` now. */
  needsRehash: boolean;
}

/** Checks a password against a stored hash of either scheme; an unreadable hash never matches but costs the same. */
export async function verifyPassword(password: string, stored: string): Promise<PasswordCheck> {
  if (stored.startsWith(SCHEME_PREFIX)) {
    const hash = stored.slice(SCHEME_PREFIX.length);
    const ok = await bcrypt.compare(prehash(password), hash);
    return { ok, needsRehash: ok && bcrypt.getRounds(hash) < settings.bcryptRounds() };
  }
  if (LEGACY_BCRYPT.test(stored)) {
    const ok = await bcrypt.compare(password, stored);
    return { ok, needsRehash: ok };
  }
  await verifyPassword(password, await dummyHash());
  return { ok: false, needsRehash: false };
}

const dummyHashes = new Map<number, Promise<string>>();

/** A hash no password is known for, at the configured cost: compared against when there is no account, so both cost the same. */
export function dummyHash(): Promise<string> {
  const rounds = settings.bcryptRounds();
  let hash = dummyHashes.get(rounds);
  if (!hash) {
    hash = hashPassword(randomBytes(24).toString('base64'));
    dummyHashes.set(rounds, hash);
  }
  return hash;
}
