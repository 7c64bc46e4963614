/**
 * Training entry points for job workers and the CLI (no Next.js, no 'server-only'): train a
 * tenant's stored dataset, and load a stored artifact into a forecaster over it. The pipeline
 * itself is pure and lives in ml/training; this file adds the tenant's stored data.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../errors';
import { loadPlannedEvents, loadTable, type DatasetManifest } from '../datasets/store';
import { getHolidayCalendar } from '../holidays';
import type { Forecaster } from '@/ml/forecasting/forecaster';
import type { Scorecard } from '@/ml/monitoring/promotion';
import { loadForecaster, scoreArtifact, trainOnTable, type ProgressFn, type TrainingArtifact, type TrainingRun, type TrainOptions } from '@/ml/training';
import type { TreeKernels } from '@/ml/trees/kernels';

export {
  trainOnTable,
  loadForecaster,
  trainingArtifactSchema,
  ARTIFACT_KIND,
  ARTIFACT_SCHEMA_VERSION,
  ALGORITHMS,
  scoreArtifact,
  scorecardOf,
  type Algorithm,
  type TrainingArtifact,
  type TrainingRun,
  type TrainOptions,
  type ModelMetrics,
  type SegmentMetrics,
  type TrainingTrial,
  type ProgressFn,
} from '@/ml/training';

/** The champion's scorecard on a hold-out of the tenant's current table (null: no fair comparison); its trees predict with `kernels`. */
export async function scoreTenantArtifact(tenantId: string, artifact: unknown, holdout: { from: string; to: string }, kernels?: TreeKernels): Promise<Scorecard | null> {
  const loaded = await loadTable(tenantId);
  if (!loaded) throw new AppError('not_found', 'This tenant has no dataset.');
  return scoreArtifact(artifact, loaded.table, holdout, kernels);
}

/** Fingerprint of a tenant's dataset: its imports' fingerprints and the table file, hashed. */
export function datasetFingerprint(manifest: DatasetManifest): string {
  const h = createHash('sha256');
  h.update(manifest.tableFile);
  for (const i of manifest.imports) h.update(`\u0000${i.fingerprint}`);
  return h.digest('hex');
}

/**
 * Trains, evaluates and refits a tenant's models on its current dataset (ml/training trainOnTable).
 * @throws AppError not_found when the tenant has no dataset; RangeError on bad options.
 */
export async function trainTenant(tenantId: string, options: TrainOptions = {}, progress: ProgressFn = () => {}, signal?: AbortSignal): Promise<TrainingRun> {
  const loaded = await loadTable(tenantId);
  if (!loaded) throw new AppError('not_found', 'This tenant has no dataset yet: import data before training.');
  const [planned, calendar] = await Promise.all([loadPlannedEvents(tenantId, loaded.manifest), getHolidayCalendar(tenantId)]);
  return trainOnTable({ table: loaded.table, planned, holidays: calendar.spec, datasetFingerprint: datasetFingerprint(loaded.manifest) }, options, progress, signal);
}

/** A forecaster for the tenant's current dataset from a stored artifact (planned promotions included). */
export async function loadTenantForecaster(tenantId: string, artifact: TrainingArtifact | unknown): Promise<Forecaster> {
  const loaded = await loadTable(tenantId);
  if (!loaded) throw new AppError('not_found', 'This tenant has no dataset.');
  const planned = await loadPlannedEvents(tenantId, loaded.manifest);
  return loadForecaster(artifact, { table: loaded.table, planned });
}
