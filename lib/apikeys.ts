import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import { AppError } from './errors';
import { isValidTenantId, MissingFolderError, storage, tenantPath } from './storage';
import { apiKeysFileSchema, type ApiKeyRecord } from './schemas/tenant';
import type { Role } from './auth/permissions';
import { forgetDocument, readJsonCached } from './document-cache';
import { processSingleton } from './process-state';

const keysKey = (tenantId: string) => tenantPath(tenantId, 'tenants', 'apikeys.json');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
type ApiKeysFile = z.infer<typeof apiKeysFileSchema>;

/** Every write of a key file: locked read-modify-write, then the cached copy dropped (see findApiKeyBySecret). */
async function updateKeys(tenantId: string, change: (file: ApiKeysFile) => ApiKeysFile): Promise<void> {
  try {
    await storage().updateJson(keysKey(tenantId), apiKeysFileSchema, () => ({ keys: [] }), change);
  } finally {
    forgetDocument(keysKey(tenantId));
  }
}

/** What the UI and API show of a key: never the hash or the secret. */
export interface ApiKeyView {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export function toApiKeyView(k: ApiKeyRecord): ApiKeyView {
  return { id: k.id, name: k.name, role: k.role, prefix: k.prefix, createdAt: k.createdAt, createdBy: k.createdBy, lastUsedAt: k.lastUsedAt, revokedAt: k.revokedAt };
}

export async function listApiKeys(tenantId: string): Promise<ApiKeyRecord[]> {
  return (await storage().readJson(keysKey(tenantId), apiKeysFileSchema))?.keys ?? [];
}

/**
 * Creates a key scoped to one tenant and role. The returned `secret` is shown once; only its
 * sha256 is stored. Format: `fsk.<tenant>.<keyId>.<random>`, so a call finds its tenant's key file
 * directly; the tenant part grants nothing by itself, the hash must match a key stored under it.
 */
export async function createApiKey(tenantId: string, input: { name: string; role: Role; createdBy: string }): Promise<{ key: ApiKeyRecord; secret: string }> {
  const id = `k_${randomBytes(6).toString('hex')}`;
  const secret = `fsk.${tenantId}.${id}.${randomBytes(24).toString('base64url')}`;
  const key: ApiKeyRecord = {
    id,
    name: input.name,
    role: input.role,
    hash: sha256(secret),
    prefix: secret.slice(0, secret.indexOf(id) + id.length),
    createdAt: new Date().toISOString(),
    createdBy: input.createdBy,
    lastUsedAt: null,
    revokedAt: null,
  };
  await updateKeys(tenantId, (file) => ({ keys: [...file.keys, key] }));
  return { key, secret };
}

export async function revokeApiKey(tenantId: string, keyId: string): Promise<ApiKeyRecord> {
  let revoked: ApiKeyRecord | undefined;
  await updateKeys(tenantId, (file) => {
    const key = file.keys.find((k) => k.id === keyId);
    if (!key) throw new AppError('not_found', 'API key not found.');
    if (key.revokedAt) throw new AppError('conflict', 'This key is already revoked.');
    revoked = { ...key, revokedAt: new Date().toISOString() };
    return { keys: file.keys.map((k) => (k.id === keyId ? (revoked as ApiKeyRecord) : k)) };
  });
  return revoked as ApiKeyRecord;
}

/**
 * The live key matching a presented secret, or undefined (unknown, malformed or revoked). Called
 * on every API request: the key file comes from the document cache, revalidated by a stat on each
 * call, so a key revoked by any process fails on the next request. The hash is compared on every
 * call (nothing is cached per secret); the record returned is a copy.
 */
export async function findApiKeyBySecret(secret: string): Promise<{ tenantId: string; key: ApiKeyRecord } | undefined> {
  const parts = secret.split('.');
  if (parts.length !== 4 || parts[0] !== 'fsk' || !isValidTenantId(parts[1]) || !/^k_[a-z0-9]{12}$/.test(parts[2])) return undefined;
  const [, tenantId, keyId] = parts;
  const key = (await readJsonCached(keysKey(tenantId), apiKeysFileSchema))?.keys.find((k) => k.id === keyId);
  if (!key || key.revokedAt) return undefined;
  const presented = Buffer.from(sha256(secret), 'hex');
  if (!timingSafeEqual(presented, Buffer.from(key.hash, 'hex'))) return undefined;
  return { tenantId, key: { ...key } };
}

// Process-wide: every Next.js bundle that authenticates shares one throttle.
const lastUsedWritten = processSingleton('apikeys.last-used-written', () => new Map<string, number>());
/** Records use at most once a minute per key, so a busy client does not rewrite the file on every call. */
export async function touchApiKey(tenantId: string, keyId: string): Promise<void> {
  const now = Date.now();
  if (now - (lastUsedWritten.get(keyId) ?? 0) < 60_000) return;
  lastUsedWritten.set(keyId, now);
  // A background write racing a tenant deletion must not bring its files back: it never creates
  // the file or its folder, and a deleted tenant's key simply goes unrecorded.
  try {
    await storage().updateJson(
      keysKey(tenantId),
      apiKeysFileSchema,
      () => {
        throw new MissingFolderError(keysKey(tenantId));
      },
      (file) => ({ keys: file.keys.map((k) => (k.id === keyId ? { ...k, lastUsedAt: new Date(now).toISOString() } : k)) }),
      { createFolder: false },
    );
  } catch (e) {
    if (!(e instanceof MissingFolderError)) throw e;
  } finally {
    forgetDocument(keysKey(tenantId));
  }
}
