import { z } from 'zod';
import { storage, tenantPath } from '../storage';
import { genericMappingSchema, attributeJoinSchema, importModeSchema } from '../schemas/ingest';
import type { UploadedFile } from '../ingest/csv';
import type { IngestRequest } from '../datasets/ingest';

/**
 * Uploaded files wait for their ingest job under `data/<tenant>/uploads/<jobId>/` as `f0, f1, ...`
 * (the original names, which may hold any characters, live in `request.json`). The job removes
 * the folder when it ends, whatever the outcome.
 */
export const stagedRequestSchema = z.discriminatedUnion('format', [
  z.object({ format: z.literal('retail'), names: z.array(z.string()), mode: importModeSchema.optional() }),
  z.object({ format: z.literal('generic'), names: z.array(z.string()).min(1), mapping: genericMappingSchema, joins: z.array(attributeJoinSchema).default([]), mode: importModeSchema.optional() }),
]);
export type StagedRequest = z.infer<typeof stagedRequestSchema>;

const dir = (tenantId: string, jobId: string) => tenantPath(tenantId, 'data', 'uploads', jobId);

export async function stageUpload(tenantId: string, jobId: string, request: StagedRequest, files: readonly UploadedFile[]): Promise<void> {
  for (let i = 0; i < files.length; i++) {
    const bytes = typeof files[i].bytes === 'string' ? Buffer.from(files[i].bytes as string, 'utf8') : (files[i].bytes as Uint8Array);
    await storage().writeBlob(tenantPath(tenantId, 'data', 'uploads', jobId, `f${i}`), bytes);
  }
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
