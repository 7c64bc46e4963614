import { z } from 'zod';
import { storage, tenantPath } from '../storage';
import { genericMappingSchema, attributeJoinSchema, importModeSchema } from '../schemas/ingest';
import type { UploadedFile } from '../ingest/csv';
import type { IngestRequest } from '../datasets/ingest';
import { isAppError } from '../errors';
import { listTenants } from '../tenants';
import { getJobOrThrow, isActive } from './store';

/**
 * Uploaded files wait for their ingest job under `data/<tenant>/uploads/<jobId>/` as `f0, f1, ...`
 * (the original names, which may hold any characters, live in `request.json`, written last: a
 * folder without it holds an upload that did not finish). Each file appears only once complete.
 * The job removes the folder when it ends, whatever the outcome; folders of jobs that died without
 * doing so (a killed worker, a server stopped mid-upload) are removed at server start and whenever
 * a job is launched (`removeDeadStagedUploads`).
 */
export const stagedRequestSchema = z.discriminatedUnion('format', [
  z.object({ format: z.literal('retail'), names: z.array(z.string()), mode: importModeSchema.optional() }),
  z.object({ format: z.literal('generic'), names: z.array(z.string()).min(1), mapping: genericMappingSchema, joins: z.array(attributeJoinSchema).default([]), mode: importModeSchema.optional() }),
]);
export type StagedRequest = z.infer<typeof stagedRequestSchema>;

const dir = (tenantId: string, jobId: string) => tenantPath(tenantId, 'data', 'uploads', jobId);

/** Stages files held in memory, and their request (tests; uploads stream through `stageFile`). */
export async function stageUpload(tenantId: string, jobId: string, request: StagedRequest, files: readonly UploadedFile[]): Promise<void> {
  for (let i = 0; i < files.length; i++) {
    const bytes = typeof files[i].bytes === 'string' ? Buffer.from(files[i].bytes as string, 'utf8') : (files[i].bytes as Uint8Array);
    await storage().writeBlob(tenantPath(tenantId, 'data', 'uploads', jobId, `f${i}`), bytes);
  }
  await storage().writeJson(tenantPath(tenantId, 'data', 'uploads', jobId, 'request.json'), request);
}

/**
 * Streams one uploaded file to `f<index>` of the job's folder as it arrives; the file is there only
 * once all of it is (a stream that fails leaves nothing under that name).
 * @returns the file's size in bytes.
 */
export async function stageFile(tenantId: string, jobId: string, index: number, source: AsyncIterable<Uint8Array>): Promise<number> {
  return storage().writeBlobStream(tenantPath(tenantId, 'data', 'uploads', jobId, `f${index}`), source);
}

/** Records what was uploaded, after its files: from then on the job's input is complete. */
export async function stageRequest(tenantId: string, jobId: string, request: StagedRequest): Promise<void> {
  await storage().writeJson(tenantPath(tenantId, 'data', 'uploads', jobId, 'request.json'), request);
}

export async function readStagedUpload(tenantId: string, jobId: string): Promise<IngestRequest> {
  const request = await storage().readJson(tenantPath(tenantId, 'data', 'uploads', jobId, 'request.json'), stagedRequestSchema);
  if (!request) throw new Error('The uploaded files are gone (already processed, or the upload did not finish).');
  const files: UploadedFile[] = [];
  for (let i = 0; i < request.names.length; i++) {
    const bytes = await storage().readBlob(tenantPath(tenantId, 'data', 'uploads', jobId, `f${i}`));
    if (!bytes) throw new Error(`Uploaded file ${request.names[i]} is missing.`);
    files.push({ name: request.names[i], bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
  }
  if (request.format === 'retail') return { format: 'retail', files, mode: request.mode };
  const [main, ...rest] = files;
  return {
    format: 'generic',
    file: main,
    mapping: request.mapping,
    mode: request.mode,
    joins: request.joins.map((j) => {
      const file = rest.find((f) => f.name === j.name);
      if (!file) throw new Error(`The attribute file ${j.name} was not uploaded.`);
      return { file, key: j.key, column: j.column };
    }),
  };
}

export async function removeStagedUpload(tenantId: string, jobId: string): Promise<void> {
  await storage().remove(dir(tenantId, jobId));
}

const JOB_ID = /^j_[a-z0-9]{16}$/;

/**
 * Removes the tenant's staged uploads that no job will read: the job ended (succeeded, failed,
 * cancelled), is unknown, or its process died (the job record settles as failed then). The folder
 * of a job still queued or running (its upload still arriving, or its worker alive) is kept, and so
 * is any folder whose job cannot be read right now.
 * @returns the job ids whose folders were removed.
 */
export async function removeDeadStagedUploads(tenantId: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await storage().list(tenantPath(tenantId, 'data', 'uploads'))) {
    if (JOB_ID.test(name)) {
      try {
        if (isActive(await getJobOrThrow({ tenantId, jobId: name }))) continue;
      } catch (e) {
        if (!isAppError(e) || e.code !== 'not_found') continue;
      }
    } else if (!/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(name)) {
      continue; // not a name this app writes, nor one tenantPath would reach
    }
    await storage().remove(dir(tenantId, name));
    removed.push(name);
  }
  return removed;
}

/** `removeDeadStagedUploads` for every tenant (server start); a tenant that fails is logged and skipped. */
export async function removeDeadStagedUploadsOfAllTenants(): Promise<number> {
  let count = 0;
  for (const tenant of await listTenants()) {
    try {
      count += (await removeDeadStagedUploads(tenant.id)).length;
    } catch (e) {
      console.error(`staged uploads of ${tenant.id}: cleaning failed:`, (e as Error).message);
    }
  }
  return count;
}
