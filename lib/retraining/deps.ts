/**
 * The real training side of an auto-retraining cycle (lib/retraining/cycle.ts CycleDeps): the
 * challenger is a full training run of the tenant's current dataset (lib/training), the champion
 * is scored by forecasting the challenger's hold-out days from its stored artifact. No
 * 'server-only': job workers and the CLI run cycles.
 */
import { scoreTenantArtifact, trainTenant, type TrainOptions } from '../training';
import { challengerOf } from '../training/challenger';
import type { CycleDeps } from './cycle';
import { readManifest } from '../datasets/store';

/** CycleDeps over lib/training, with extra training options (e.g. the algorithms, the kernels) when given. */
export function trainingDeps(extra: Omit<TrainOptions, 'tune'> = {}): CycleDeps {
  return {
    async train(tenantId, options, progress, signal) {
      return challengerOf(await trainTenant(tenantId, { ...extra, tune: options.tune }, progress, signal));
    },
    async dataEnd(tenantId) {
      const manifest = await readManifest(tenantId);
      return manifest?.dateRange ? { last: manifest.dateRange.last, step: manifest.frequency === 'weekly' ? 7 : 1 } : null;
    },
    async scoreChampion(tenantId, _champion, artifact, holdout, signal) {
      signal?.throwIfAborted();
      return scoreTenantArtifact(tenantId, artifact, holdout, extra.kernels);
    },
  };
}
