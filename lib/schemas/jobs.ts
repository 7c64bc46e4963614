import { z } from 'zod';
import { queryInteger } from './common';

/** Kinds of long work run off the request path (docs/monitoring.md "Jobs"). Later capabilities add theirs. */
export const JOB_KINDS = ['ingest', 'train', 'retrain'] as const;
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
  /**
   * The process that prepares the job before its worker starts (the server receiving an upload):
   * a queued job without a worker whose preparing process is gone will never start.
   */
  preparedBy: z.object({ pid: z.number().int(), startedAt: z.number() }).nullable().optional(),
  cancelRequested: z.boolean(),
  /**
   * What the job already saved for good, set before its last optional steps (an import's drift and
   * decay checks): a job stopped after that point ends as succeeded with this, not as cancelled or
   * failed, because its work stands.
   */
  committed: z.string().nullable().optional(),
  /** Who started it, as audited (older records carry only `createdBy`). */
  actor: z.object({ type: z.enum(['user', 'apikey', 'platform', 'system', 'anonymous']), id: z.string(), label: z.string() }).optional(),
});
export type Job = z.infer<typeof jobSchema>;

export const jobIdSchema = z.string().regex(/^j_[a-z0-9]{16}$/, 'Unknown job');

export const jobListQuerySchema = z.object({ kind: jobKindSchema.optional(), limit: queryInteger('limit', 1, 200).default(20) });

/** The algorithms a training job may fit (ml/training/models.ts ALGORITHMS). */
export const TRAIN_ALGORITHMS = ['gbm', 'rf', 'ridge', 'ensemble'] as const;

/** Parameters of a 'train' job: which algorithms, and whether to tune boosting first. */
export const trainJobParamsSchema = z.object({
  algorithms: z.array(z.enum(TRAIN_ALGORITHMS)).min(1, 'Choose at least one algorithm').optional(),
  tune: z.boolean().default(false),
});
export type TrainJobParams = z.infer<typeof trainJobParamsSchema>;

/** Parameters of a 'retrain' job: what started the cycle (schedule, decay, drift, manual). */
export const retrainJobParamsSchema = z.object({ trigger: z.string().min(1).max(200).default('manual') });
export type RetrainJobParams = z.infer<typeof retrainJobParamsSchema>;

/**
 * The Models page's train form: one checkbox per algorithm (`algo_gbm=on`, ...; at least one) and
 * `tune=on`. (Separate names because a form's repeated names reach the action as the last value.)
 */
export const trainFormSchema = z
  .object({
    algo_gbm: z.literal('on').optional(),
    algo_rf: z.literal('on').optional(),
    algo_ridge: z.literal('on').optional(),
    algo_ensemble: z.literal('on').optional(),
    tune: z.literal('on').optional(),
  })
  .transform((f) => {
    const picked = TRAIN_ALGORITHMS.filter((a) => f[`algo_${a}`] === 'on');
    return { algorithms: picked, tune: f.tune === 'on' };
  })
  .pipe(z.object({ algorithms: z.array(z.enum(TRAIN_ALGORITHMS)).min(1, 'Choose at least one algorithm'), tune: z.boolean() }));
