import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { queryInteger } from './schemas/common';
import { storage, tenantPath } from './storage';

/**
 * Every training and tuning run (docs/architecture.md "Experiments"), appended to
 * `models/<tenant>/experiments.jsonl`: parameters, metrics per fold, duration, dataset
 * fingerprint, status and error.
 */
export const experimentSchema = z.object({
  id: z.string(),
  at: z.string(),
  kind: z.enum(['train', 'tune-trial', 'retrain']),
  algorithm: z.string(),
  status: z.enum(['succeeded', 'failed', 'cancelled']),
  params: z.record(z.string(), z.unknown()),
  metrics: z.record(z.string(), z.number().nullable()),
  folds: z.array(z.record(z.string(), z.number().nullable())).default([]),
  durationMs: z.number(),
  datasetFingerprint: z.string(),
  error: z.string().nullable(),
  versionId: z.string().nullable(),
  jobId: z.string().nullable(),
  author: z.string(),
});
export type Experiment = z.infer<typeof experimentSchema>;

const key = (tenantId: string) => tenantPath(tenantId, 'models', 'experiments.jsonl');

export async function recordExperiment(tenantId: string, input: Omit<Experiment, 'id' | 'at'>): Promise<Experiment> {
  const exp: Experiment = { id: `e_${randomBytes(6).toString('hex')}`, at: new Date().toISOString(), ...input };
  await storage().appendLine(key(tenantId), exp);
  return exp;
}

export const experimentQuerySchema = z.object({
  kind: z.enum(['train', 'tune-trial', 'retrain']).optional(),
  algorithm: z.string().max(50).optional(),
  status: z.enum(['succeeded', 'failed', 'cancelled']).optional(),
  sort: z.enum(['at', 'wape', 'durationMs']).default('at'),
  order: z.enum(['asc', 'desc']).default('desc'),
  page: queryInteger('page', 1, 1_000_000).default(1),
  pageSize: queryInteger('pageSize', 1, 500).default(50),
});
export type ExperimentQuery = z.infer<typeof experimentQuerySchema>;

export async function queryExperiments(tenantId: string, q: ExperimentQuery): Promise<{ experiments: Experiment[]; total: number; algorithms: string[] }> {
  const all = await storage().readLines(key(tenantId), experimentSchema);
  const algorithms = [...new Set(all.map((e) => e.algorithm))].sort();
  const filtered = all.filter((e) => (!q.kind || e.kind === q.kind) && (!q.algorithm || e.algorithm === q.algorithm) && (!q.status || e.status === q.status));
  const value = (e: Experiment): number | string => (q.sort === 'at' ? e.at : q.sort === 'wape' ? (e.metrics.wape ?? Infinity) : e.durationMs);
  filtered.sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    const c = va < vb ? -1 : va > vb ? 1 : 0;
    return q.order === 'asc' ? c : -c;
  });
  const start = (q.page - 1) * q.pageSize;
  return { experiments: filtered.slice(start, start + q.pageSize), total: filtered.length, algorithms };
}

export async function getExperiments(tenantId: string, ids: readonly string[]): Promise<Experiment[]> {
  const wanted = new Set(ids);
  return (await storage().readLines(key(tenantId), experimentSchema)).filter((e) => wanted.has(e.id));
}
