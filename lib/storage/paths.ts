import path from 'node:path';
import { foresightHome } from '../config';
import { AppError } from '../errors';

/** The three per-tenant areas of docs/architecture.md, plus the platform's own area. */
export type TenantArea = 'data' | 'models' | 'tenants';

const TENANT_ID = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
// One path segment: letters, digits, dot, dash, underscore; never "." or ".." or hidden files.
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** Throws a 400 AppError unless `id` is a valid tenant id (lower-case letters, digits, dashes; 1-40 chars). */
export function assertTenantId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || !TENANT_ID.test(id)) {
    throw new AppError('bad_request', 'Tenant id must be 1-40 lower-case letters, digits or dashes, not starting or ending with a dash.', { field: 'tenantId' });
  }
}

export function isValidTenantId(id: unknown): id is string {
  return typeof id === 'string' && TENANT_ID.test(id);
}

function assertSegments(segments: readonly string[]): void {
  for (const s of segments) {
    if (typeof s !== 'string' || !SEGMENT.test(s) || s.includes('..')) {
      throw new AppError('bad_request', `Invalid path segment "${String(s).slice(0, 40)}".`, { segment: String(s).slice(0, 40) });
    }
  }
}

function within(root: string, candidate: string): string {
  const rel = path.relative(root, candidate);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new AppError('bad_request', 'Path escapes its tenant directory.');
  }
  return candidate;
}

/**
 * The only way to a tenant's files: `$FORESIGHT_HOME/<area>/<tenantId>/<segments...>`.
 * Refuses bad tenant ids, `..`, separators, absolute paths and encoded tricks (they fail the segment pattern).
 */
export function tenantPath(tenantId: string, area: TenantArea, ...segments: string[]): string {
  assertTenantId(tenantId);
  assertSegments(segments);
  const root = path.join(/*turbopackIgnore: true*/ foresightHome(), area, tenantId);
  return within(root, path.join(/*turbopackIgnore: true*/ root, ...segments));
}

/** Platform-wide files (tenant list, platform admins, secrets): `$FORESIGHT_HOME/platform/<segments...>`. */
export function platformPath(...segments: string[]): string {
  assertSegments(segments);
  const root = path.join(/*turbopackIgnore: true*/ foresightHome(), 'platform');
  return within(root, path.join(/*turbopackIgnore: true*/ root, ...segments));
}

/** The directories holding a tenant's files, one per area (used to delete a tenant). */
export function tenantRoots(tenantId: string): string[] {
  assertTenantId(tenantId);
  return (['data', 'models', 'tenants'] as const).map((a) => path.join(/*turbopackIgnore: true*/ foresightHome(), a, tenantId));
}
