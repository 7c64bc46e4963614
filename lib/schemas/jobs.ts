import { z } from 'zod';

/** Kinds of long work run off the request path (SPEC 6 "Jobs"). Later capabilities add theirs. */
export const JOB_KINDS = ['ingest'] as const;
export const jobKindSchema = z.enum(JOB_KINDS);
export type JobKind = z.infer<typeof jobKindSchema>;

export const jobStatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export type JobStatus = z.infer<typeof jobStatusSchema>;

export const jobSchema = z.object({
  id: z.string().regex(/^j_[a-z0-9]{16}$/),
  tenantId: z.string(),
  kind: jobKindSchema,
  status: jobStatusSchema,
  progress: z.object({ done: z.number(), total: z.number(), message: z.string() }),
  params: z.record(z.string(), z.unknown()),
  result: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /** Process running it, to tell a live job from one whose process died. */
  pid: z.number().int().nullable(),
  cancelRequested: z.boolean(),
});
export type Job = z.infer<typeof jobSchema>;

export const jobIdSchema = z.string().regex(/^j_[a-z0-9]{16}$/, 'Unknown job');

export const jobListQuerySchema = z.object({ kind: jobKindSchema.optional(), limit: z.coerce.number().int().min(1).max(200).default(20) });
