import { randomBytes } from 'node:crypto';
import { settings } from './config';
import { AppError } from './errors';
import { findTenant, listTenants } from './tenants';
import { platformPath, storage, tenantPath } from './storage';
import {
  platformAdminsFileSchema,
  usersFileSchema,
  type PlatformAdminRecord,
  type UserRecord,
} from './schemas/tenant';
import type { Role } from './auth/permissions';
import { dummyHash, hashPassword, verifyPassword } from './auth/password-hash';
import { assertPasswordAllowed } from './auth/password-policy';
import { PLATFORM_ORGANISATION, type OrganisationChoice } from './auth/signin-choice';

export { hashPassword, verifyPassword };

const usersKey = (tenantId: string) => tenantPath(tenantId, 'tenants', 'users.json');
const adminsKey = () => platformPath('admins.json');

export function newUserId(): string {
  return `u_${randomBytes(8).toString('hex')}`;
}

/** What callers outside the data layer see of a user: never the hash. */
export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  createdAt: string;
  lastSignInAt: string | null;
  lockedUntil: string | null;
}

export function toUserView(u: UserRecord): UserView {
  return { id: u.id, email: u.email, name: u.name, role: u.role, active: u.active, createdAt: u.createdAt, lastSignInAt: u.lastSignInAt, lockedUntil: u.lockedUntil };
}

export async function listUsers(tenantId: string): Promise<UserRecord[]> {
  return (await storage().readJson(usersKey(tenantId), usersFileSchema))?.users ?? [];
}

export async function listPlatformAdmins(): Promise<PlatformAdminRecord[]> {
  return (await storage().readJson(adminsKey(), platformAdminsFileSchema))?.admins ?? [];
}

/**
 * An account an email signs in to: a tenant's user or a platform admin. Emails are unique within
 * a tenant and among platform admins; the same person may belong to several organisations.
 */
export type Account =
  | { kind: 'user'; tenantId: string; user: UserRecord }
  | { kind: 'platform'; user: PlatformAdminRecord };

/** Every account of an email, the platform admin first, then tenants in storage order. */
export async function findAccountsByEmail(email: string): Promise<Account[]> {
  const needle = email.trim().toLowerCase();
  const accounts: Account[] = [];
  const admin = (await listPlatformAdmins()).find((a) => a.email === needle);
  if (admin) accounts.push({ kind: 'platform', user: admin });
  for (const t of await listTenants()) {
    const user = (await listUsers(t.id)).find((u) => u.email === needle);
    if (user) accounts.push({ kind: 'user', tenantId: t.id, user });
  }
  return accounts;
}

export async function getUserOrThrow({ tenantId, userId }: { tenantId: string; userId: string }): Promise<UserRecord> {
  const user = (await listUsers(tenantId)).find((u) => u.id === userId);
  if (!user) throw new AppError('not_found', 'User not found.');
  return user;
}

/** A fresh account record: hashed password, active, no failed attempts. */
async function newAccount(input: { email: string; name: string; password: string }): Promise<PlatformAdminRecord> {
  return {
    id: newUserId(),
    email: input.email.trim().toLowerCase(),
    name: input.name,
    passwordHash: await hashPassword(input.password),
    active: true,
    createdAt: new Date().toISOString(),
    failedAttempts: 0,
    lockedUntil: null,
    lastSignInAt: null,
    sessionVersion: 0,
  };
}

/**
 * Adds a user to a tenant. The email must be new to this tenant only: whether it is in use
 * elsewhere is never checked, so the answer cannot tell an admin about other organisations.
 * @throws AppError `bad_request` when the password policy refuses the password, `conflict` when the tenant has the email.
 */
export async function createUser(tenantId: string, input: { email: string; name: string; role: Role; password: string }): Promise<UserRecord> {
  const tenant = await findTenant(tenantId);
  assertPasswordAllowed(input.password, { email: input.email, organisation: [tenantId, ...(tenant ? [tenant.name, tenant.branding.displayName] : [])] });
  const user: UserRecord = { ...(await newAccount(input)), role: input.role };
  await storage().updateJson(usersKey(tenantId), usersFileSchema, () => ({ users: [] }), (file) => {
    if (file.users.some((u) => u.email === user.email)) throw new AppError('conflict', `${user.email} is already a user of your organisation.`, { field: 'email' });
    return { users: [...file.users, user] };
  });
  return user;
}

/** Adds a platform admin; the email must be new among platform admins. */
export async function createPlatformAdmin(input: { email: string; name: string; password: string }): Promise<PlatformAdminRecord> {
  assertPasswordAllowed(input.password, { email: input.email });
  const admin: PlatformAdminRecord = await newAccount(input);
  await storage().updateJson(adminsKey(), platformAdminsFileSchema, () => ({ admins: [] }), (file) => {
    if (file.admins.some((a) => a.email === admin.email)) throw new AppError('conflict', `${admin.email} is already a platform admin.`, { field: 'email' });
    return { admins: [...file.admins, admin] };
  });
  return admin;
}

/**
 * Changes one user of a tenant under the users file's lock. Refuses a change that would leave
 * the tenant without an active admin.
 */
export async function updateUser(tenantId: string, userId: string, change: (u: UserRecord) => UserRecord): Promise<UserRecord> {
  let updated: UserRecord | undefined;
  await storage().updateJson(usersKey(tenantId), usersFileSchema, () => ({ users: [] }), (file) => {
    const index = file.users.findIndex((u) => u.id === userId);
    if (index < 0) throw new AppError('not_found', 'User not found.');
    const next = withSessionsEnded(file.users[index], change(file.users[index]));
    const users = [...file.users];
    users[index] = next;
    const hadAdmin = file.users.some((u) => u.active && u.role === 'admin');
    if (hadAdmin && !users.some((u) => u.active && u.role === 'admin')) {
      throw new AppError('conflict', 'This would leave the organisation without an active admin. Make someone else admin first.');
    }
    updated = next;
    return { users };
  });
  return updated as UserRecord;
}

/**
 * A change of what a session was granted on (the password, the role, being active) ends the
 * account's existing sessions: the next request made with one of them is treated as signed out.
 */
function withSessionsEnded<U extends PlatformAdminRecord>(before: U, after: U): U {
  const role = (u: U) => ('role' in u ? u.role : null);
  const changed = after.passwordHash !== before.passwordHash || after.active !== before.active || role(after) !== role(before);
  return changed && after.sessionVersion === before.sessionVersion ? { ...after, sessionVersion: before.sessionVersion + 1 } : after;
}

/**
 * Ends every session of an account (sign-out: the token in the browser may have been copied).
 */
export async function endSessions(account: { tenantId: string | null; userId: string }): Promise<void> {
  const bump = <U extends PlatformAdminRecord>(u: U): U => ({ ...u, sessionVersion: u.sessionVersion + 1 });
  if (account.tenantId) {
    await storage().updateJson(usersKey(account.tenantId), usersFileSchema, () => ({ users: [] }), (file) => ({
      users: file.users.map((u) => (u.id === account.userId ? bump(u) : u)),
    }));
  } else {
    await storage().updateJson(adminsKey(), platformAdminsFileSchema, () => ({ admins: [] }), (file) => ({
      admins: file.admins.map((a) => (a.id === account.userId ? bump(a) : a)),
    }));
  }
}

/** Why an account refused an attempt, for its audit record (the sign-in form shows `locked` exactly as `invalid`). */
export type SignInRefusal = 'invalid' | 'locked' | 'inactive' | 'suspended';

/** What one account made of an attempt, for its audit record. */
export interface SignInAttempt {
  account: Account;
  outcome: 'success' | SignInRefusal;
}

export type SignInResult =
  | { ok: true; account: Account; attempts: SignInAttempt[] }
  /** The password opens several organisations: ask which (only those whose password matched are listed). */
  | { ok: false; reason: 'choose'; choices: OrganisationChoice[]; attempts: SignInAttempt[] }
  | { ok: false; reason: SignInRefusal; attempts: SignInAttempt[] };

/** The organisation id the sign-in form names an account by. */
export function organisationOf(account: Account): string {
  return account.kind === 'platform' ? PLATFORM_ORGANISATION : account.tenantId;
}

const isLocked = (u: { lockedUntil: string | null }, now: Date) => Boolean(u.lockedUntil && new Date(u.lockedUntil) > now);

/**
 * Checks a password against every account of the email, with lockout (docs/security.md): after
 * `LOCKOUT_ATTEMPTS` consecutive failures an account is locked for `LOCKOUT_MINUTES`, and every
 * attempt while locked is refused, even with the right password.
 *
 * Each account costs one password comparison whether it is locked or not, and an unknown email
 * costs one comparison against a dummy hash, so neither the lock nor the email shows in the time
 * taken. The password matching exactly one usable account signs in to it; matching several, the
 * caller asks which `organisation` (the result lists them). A failure counts against every
 * account of the email only when the password matched none of them: someone signing in to one
 * organisation does not lock their account in another. A match on an old-scheme or cheaper hash
 * stores the current scheme (password-hash.ts).
 */
export async function verifySignIn(email: string, password: string, now = new Date(), organisation?: string): Promise<SignInResult> {
  const accounts = await findAccountsByEmail(email);
  if (accounts.length === 0) {
    await verifyPassword(password, await dummyHash());
    return { ok: false, reason: 'invalid', attempts: [] };
  }
  const tenants = new Map((await listTenants()).map((t) => [t.id, t]));
  const checked: { account: Account; matches: boolean; needsRehash: boolean; outcome: SignInAttempt['outcome'] }[] = [];
  for (const account of accounts) {
    const { ok: matches, needsRehash } = await verifyPassword(password, account.user.passwordHash);
    const tenant = account.kind === 'user' ? tenants.get(account.tenantId) : undefined;
    const outcome = isLocked(account.user, now)
      ? 'locked'
      : !matches
        ? 'invalid'
        : !account.user.active
          ? 'inactive'
          : account.kind === 'user' && tenant?.status !== 'active'
            ? 'suspended'
            : 'success';
    checked.push({ account, matches, needsRehash, outcome });
  }
  const usable = checked.filter((c) => c.outcome === 'success');
  const chosen = usable.length === 1 ? usable[0] : usable.find((c) => organisationOf(c.account) === organisation);
  const matchedAny = checked.some((c) => c.matches);
  const newHash = chosen?.needsRehash ? await hashPassword(password) : undefined;

  for (const c of checked) {
    const change = <U extends UserRecord | PlatformAdminRecord>(u: U): U => {
      // Written even when nothing changes (a locked account), so a lock costs what a wrong password costs.
      if (c.outcome === 'locked') return u;
      if (c === chosen) {
        // Only the hash that was checked is replaced: a password changed meanwhile stays.
        const passwordHash = newHash && u.passwordHash === c.account.user.passwordHash ? newHash : u.passwordHash;
        return { ...u, passwordHash, failedAttempts: 0, lockedUntil: null, lastSignInAt: now.toISOString() };
      }
      if (c.matches) return { ...u, failedAttempts: 0, lockedUntil: null };
      if (matchedAny) return u;
      const expiredLock = u.lockedUntil && new Date(u.lockedUntil) <= now;
      const failed = (expiredLock ? 0 : u.failedAttempts) + 1;
      const lock = failed >= settings.lockoutAttempts();
      return {
        ...u,
        failedAttempts: lock ? 0 : failed,
        lockedUntil: lock ? new Date(now.getTime() + settings.lockoutMinutes() * 60_000).toISOString() : expiredLock ? null : u.lockedUntil,
      };
    };
    const { account } = c;
    if (account.kind === 'user') {
      // Bypass the last-admin guard: only counters and the hash change here.
      await storage().updateJson(usersKey(account.tenantId), usersFileSchema, () => ({ users: [] }), (file) => ({
        users: file.users.map((u) => (u.id === account.user.id ? change(u) : u)),
      }));
    } else {
      // Counters and a re-hash of the same password only: no session is ended here (updateUser would).
      await storage().updateJson(adminsKey(), platformAdminsFileSchema, () => ({ admins: [] }), (file) => ({
        admins: file.admins.map((a) => (a.id === account.user.id ? change(a) : a)),
      }));
    }
  }

  if (chosen) return { ok: true, account: chosen.account, attempts: [{ account: chosen.account, outcome: 'success' }] };
  if (usable.length > 1) {
    const choices = usable.map(({ account }) => ({
      id: organisationOf(account),
      name: account.kind === 'platform' ? 'Platform administration' : (tenants.get(account.tenantId)?.branding.displayName ?? account.tenantId),
    }));
    return { ok: false, reason: 'choose', choices, attempts: [] };
  }
  const attempts = checked.map(({ account, outcome }) => ({ account, outcome }));
  // After the right password an inactive account or suspended organisation is said; a lock never is (options.ts).
  const reason = (['inactive', 'suspended', 'locked'] as const).find((r) => checked.some((c) => c.outcome === r)) ?? 'invalid';
  return { ok: false, reason, attempts };
}
