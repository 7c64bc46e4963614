import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { DailyTable, PlannedEvent } from '@/ml/data/table';
import type { TableProfile } from '@/ml/data/profile';
import { AppError } from '../errors';
import { importModeSchema } from '../schemas/ingest';
import { storage, tenantPath, tenantRoots } from '../storage';
import { effectiveQuotas } from '../tiers';
import type { Tenant } from '../schemas/tenant';
import { decodeTable, encodeTable } from '@/ml/data/table-codec';
import { processSingleton } from '../process-state';

/**
 * A tenant's processed dataset: `data/<tenant>/dataset.json` (the manifest: what was imported,
 * its fingerprints and profile) pointing at an immutable binary table file. A new import writes a
 * new table file first, then swaps the manifest atomically, then removes the old file: a crash at
 * any point leaves the previous dataset whole.
 */
const importSchema = z.object({
  at: z.string(),
  by: z.string(),
  fingerprint: z.string(),
  files: z.array(z.string()),
  rows: z.number().int(),
  appendedRows: z.number().int(),
  /** Stored rows the import overwrote (replace mode); absent in records from before modes existed. */
  changedRows: z.number().int().default(0),
  mode: importModeSchema.default('append'),
});

export const datasetManifestSchema = z.object({
  version: z.literal(1),
  format: z.enum(['retail', 'generic']),
  tableFile: z.string(),
  plannedFile: z.string().nullable(),
  frequency: z.enum(['daily', 'weekly']),
  rows: z.number().int(),
  series: z.number().int(),
  dateRange: z.object({ first: z.string(), last: z.string() }).nullable(),
  mapping: z.record(z.string(), z.unknown()).nullable(),
  imports: z.array(importSchema),
  profile: z.custom<TableProfile>((v) => typeof v === 'object' && v !== null),
  updatedAt: z.string(),
});
export type DatasetManifest = z.infer<typeof datasetManifestSchema>;
export type DatasetImport = z.infer<typeof importSchema>;

const manifestKey = (tenantId: string) => tenantPath(tenantId, 'data', 'dataset.json');

/**
 * Runs `work` as the tenant's only dataset writer (in this process and across processes), so two
 * imports never merge from the same previous version or remove each other's files.
 */
export function withDatasetLock<T>(tenantId: string, work: () => Promise<T>): Promise<T> {
  return storage().withLock(tenantPath(tenantId, 'data', 'import'), work);
}

export async function readManifest(tenantId: string): Promise<DatasetManifest | undefined> {
  return storage().readJson(manifestKey(tenantId), datasetManifestSchema);
}

// Process-wide: every Next.js bundle that reads the table shares one decoded copy.
const tableCache = processSingleton('datasets.tables', () => new Map<string, { file: string; table: DailyTable }>());

/** The tenant's current table, decoded once per table file and kept in memory. */
export async function loadTable(tenantId: string): Promise<{ manifest: DatasetManifest; table: DailyTable } | undefined> {
  const manifest = await readManifest(tenantId);
  if (!manifest) return undefined;
  const cached = tableCache.get(tenantId);
  if (cached && cached.file === manifest.tableFile) return { manifest, table: cached.table };
  const bytes = await storage().readBlob(tenantPath(tenantId, 'data', manifest.tableFile));
  if (!bytes) throw new AppError('internal', 'The dataset manifest points at a missing table file.');
  const table = decodeTable(bytes);
  tableCache.set(tenantId, { file: manifest.tableFile, table });
  return { manifest, table };
}

export async function loadPlannedEvents(tenantId: string, manifest: DatasetManifest): Promise<PlannedEvent[]> {
  if (!manifest.plannedFile) return [];
  const bytes = await storage().readBlob(tenantPath(tenantId, 'data', manifest.plannedFile));
  return bytes ? (JSON.parse(bytes.toString('utf8')) as PlannedEvent[]) : [];
}

export async function tenantStorageBytes(tenantId: string): Promise<number> {
  let total = 0;
  for (const root of tenantRoots(tenantId)) total += await storage().sizeOf(root);
  return total;
}

/** @throws AppError quota_exceeded when `extraBytes` more would pass the tenant's storage quota. */
export async function assertStorageRoom(tenant: Tenant, extraBytes: number): Promise<void> {
  const quota = effectiveQuotas(tenant.tier, tenant.quotaOverrides).storageBytes;
  const used = await tenantStorageBytes(tenant.id);
  if (used + extraBytes > quota) {
    const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);
    throw new AppError('quota_exceeded', `This needs ${mb(extraBytes)} MB more storage, and the plan has ${mb(Math.max(0, quota - used))} MB left of ${mb(quota)} MB.`, { quota, used });
  }
}

/**
 * Saves a new version of the dataset: table file, planned events, then the manifest (atomic),
 * then removes the replaced files. Call it inside `withDatasetLock`.
 */
export async function saveDataset(
  tenant: Tenant,
  input: {
    table: DailyTable;
    planned: readonly PlannedEvent[];
    format: DatasetManifest['format'];
    mapping: Record<string, unknown> | null;
    profile: TableProfile;
    importRecord: DatasetImport;
    previous: DatasetManifest | undefined;
  },
): Promise<DatasetManifest> {
  const stamp = `${Date.now()}-${randomBytes(3).toString('hex')}`;
  const tableFile = `table-${stamp}.bin`;
  const bytes = encodeTable(input.table);
  const plannedBytes = input.planned.length > 0 ? Buffer.from(JSON.stringify(input.planned)) : null;
  const previousBytes = input.previous ? await storage().sizeOf(tenantPath(tenant.id, 'data', input.previous.tableFile)) : 0;
  await assertStorageRoom(tenant, Math.max(0, bytes.length + (plannedBytes?.length ?? 0) - previousBytes));
  await storage().writeBlob(tenantPath(tenant.id, 'data', tableFile), bytes);
  const plannedFile = plannedBytes ? `planned-${stamp}.json` : null;
  if (plannedFile && plannedBytes) await storage().writeBlob(tenantPath(tenant.id, 'data', plannedFile), plannedBytes);
  const manifest: DatasetManifest = {
    version: 1,
    format: input.format,
    tableFile,
    plannedFile,
    frequency: input.table.frequency,
    rows: input.table.rows,
    series: input.table.seriesStart.length - 1,
    dateRange: input.profile.dateRange,
    mapping: input.mapping,
    imports: [...(input.previous?.imports ?? []), input.importRecord],
    profile: input.profile,
    updatedAt: new Date().toISOString(),
  };
  await storage().writeJson(manifestKey(tenant.id), manifest);
  // The old files are unreachable now; removing them is housekeeping.
  await removeUnreferenced(tenant.id, manifest);
  return manifest;
}

/** Deletes table and planned files the manifest no longer points at (left by a replaced import or a crash). */
export async function removeUnreferenced(tenantId: string, manifest: DatasetManifest | undefined): Promise<void> {
  const keep = new Set([manifest?.tableFile, manifest?.plannedFile].filter(Boolean));
  for (const name of await storage().list(tenantPath(tenantId, 'data'))) {
    if (/^(table-.*\.bin|planned-.*\.json)$/.test(name) && !keep.has(name)) await storage().remove(tenantPath(tenantId, 'data', name));
  }
}
