import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { settings } from './config';
import { AppError } from './errors';
import { listTenants } from './tenants';
import { platformPath, storage, tenantPath } from './storage';
import {
  platformAdminsFileSchema,
  usersFileSchema,
  type PlatformAdminRecord,
  type UserRecord,
} from './schemas/tenant';
import type { Role } from './auth/permissions';

const usersKey = (tenantId: string) => tenantPath(tenantId, 'tenants', 'users.json');
const adminsKey = () => platformPath('admins.json');

export function newUserId(): string {
  return `u_${randomBytes(8).toString('hex')}`;
}

export async function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, settings.bcryptRounds());
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

/** Where an email signs in: a tenant's user or a platform admin. Emails are unique across the platform. */
export type Account =
  | { kind: 'user'; tenantId: string; user: UserRecord }
  | { kind: 'platform'; user: PlatformAdminRecord };

export async function findAccountByEmail(email: string): Promise<Account | undefined> {
  const needle = email.trim().toLowerCase();
  const admin = (await listPlatformAdmins()).find((a) => a.email === needle);
  if (admin) return { kind: 'platform', user: admin };
  for (const t of await listTenants()) {
    const user = (await listUsers(t.id)).find((u) => u.email === needle);
    if (user) return { kind: 'user', tenantId: t.id, user };
  }
  return undefined;
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

async function assertEmailFree(email: string): Promise<void> {
  if (await findAccountByEmail(email)) throw new AppError('conflict', `The email ${email} is already in use.`, { field: 'email' });
}

export async function createUser(tenantId: string, input: { email: string; name: string; role: Role; password: string }): Promise<UserRecord> {
  await assertEmailFree(input.email);
  const user: UserRecord = { ...(await newAccount(input)), role: input.role };
  await storage().updateJson(usersKey(tenantId), usersFileSchema, () => ({ users: [] }), (file) => {
    if (file.users.some((u) => u.email === user.email)) throw new AppError('conflict', `The email ${user.email} is already in use.`, { field: 'email' });
    return { users: [...file.users, user] };
  });
  return user;
}

export async function createPlatformAdmin(input: { email: string; name: string; password: string }): Promise<PlatformAdminRecord> {
  await assertEmailFree(input.email);
  const admin: PlatformAdminRecord = await newAccount(input);
  await storage().updateJson(adminsKey(), platformAdminsFileSchema, () => ({ admins: [] }), (file) => ({ admins: [...file.admins, admin] }));
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

async function updatePlatformAdmin(userId: string, change: (u: PlatformAdminRecord) => PlatformAdminRecord): Promise<void> {
  await storage().updateJson(adminsKey(), platformAdminsFileSchema, () => ({ admins: [] }), (file) => ({
    admins: file.admins.map((a) => (a.id === userId ? withSessionsEnded(a, change(a)) : a)),
  }));
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

export type SignInResult =
  | { ok: true; account: Account }
  | { ok: false; reason: 'invalid' | 'locked' | 'inactive' | 'suspended'; lockedUntil?: string; account?: Account };

// Compared against when the email is unknown, so both paths cost one bcrypt comparison.
const DUMMY_HASH = bcrypt.hashSync('not-a-real-password-0', 10);

/**
 * Checks a password with lockout (SPEC 12): after `LOCKOUT_ATTEMPTS` consecutive failures the account
 * is locked for `LOCKOUT_MINUTES`, and every attempt while locked is refused, even with the right password.
 */
export async function verifySignIn(email: string, password: string, now = new Date()): Promise<SignInResult> {
  const account = await findAccountByEmail(email);
  if (!account) {
    await bcrypt.compare(password, DUMMY_HASH);
    return { ok: false, reason: 'invalid' };
  }
  const { user } = account;
  if (user.lockedUntil && new Date(user.lockedUntil) > now) {
    return { ok: false, reason: 'locked', lockedUntil: user.lockedUntil, account };
  }
  const matches = await bcrypt.compare(password, user.passwordHash);
  const change = <U extends UserRecord | PlatformAdminRecord>(u: U): U => {
    if (matches) return { ...u, failedAttempts: 0, lockedUntil: null, lastSignInAt: now.toISOString() };
    const expiredLock = u.lockedUntil && new Date(u.lockedUntil) <= now;
    const failed = (expiredLock ? 0 : u.failedAttempts) + 1;
    const lock = failed >= settings.lockoutAttempts();
    return {
      ...u,
      failedAttempts: lock ? 0 : failed,
      lockedUntil: lock ? new Date(now.getTime() + settings.lockoutMinutes() * 60_000).toISOString() : expiredLock ? null : u.lockedUntil,
    };
  };
  if (account.kind === 'user') {
    // Bypass the last-admin guard: only counters change here.
    await storage().updateJson(usersKey(account.tenantId), usersFileSchema, () => ({ users: [] }), (file) => ({
      users: file.users.map((u) => (u.id === user.id ? change(u) : u)),
    }));
  } else {
    await updatePlatformAdmin(user.id, change);
  }
  if (!matches) return { ok: false, reason: 'invalid', account };
  if (!user.active) return { ok: false, reason: 'inactive', account };
  if (account.kind === 'user') {
    const tenant = (await listTenants()).find((t) => t.id === account.tenantId);
    if (!tenant || tenant.status !== 'active') return { ok: false, reason: 'suspended', account };
  }
  return { ok: true, account };
}
