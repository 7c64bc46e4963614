/**
 * The production model of a tenant, loaded once and kept in memory (docs/serving.md).
 *
 * Every call reads the registry's production version and the dataset manifest, so a promotion
 * by another process (CLI, scheduler, another server) or a new import takes effect on the next
 * request without a restart. Both go through `readJsonCached` (kept parsed in memory, revalidated
 * by one stat of the file on every read: any write, by any process, is seen by the next read),
 * so a cached forecast costs two stats, not two file reads and parses.
 * Loading (the artifact parsed, the table extended with the planned promotions) happens once per
 * (tenant, version, dataset); concurrent callers share the one load. Only the newest load of a
 * tenant is kept.
 *
 * No 'server-only' here: report jobs and the CLI serve forecasts through the same code.
 */
import { z, ZodError } from 'zod';
import { AppError, isAppError } from '../errors';
import { datasetManifestSchema, loadPlannedEvents, loadTable } from '../datasets/store';
import { loadForecaster } from '../training';
import { modelVersionSchema, readArtifact, type ModelVersion } from '../registry/store';
import { readJsonCached } from '../document-cache';
import { tenantPath } from '../storage';
import { subscribeProductionChange } from '../registry/events';
import { processSingleton } from '../process-state';
import type { Forecaster } from '@/ml/forecasting/forecaster';
import { membersByGroup, type ForecastLevel } from '@/ml/forecasting/levels';
import { seriesCount, type DailyTable } from '@/ml/data/table';

/** What a request needs before touching the model: enough for a cache key. */
export interface ServingState {
  tenantId: string;
  version: ModelVersion;
  /**
   * The dataset's identity: its table and planned-promotions file names. Both files are immutable
   * and every import writes new ones, so equal names mean equal data.
   */
  dataKey: string;
  step: 1 | 7;
}

export interface ServingModel extends ServingState {
  table: DailyTable;
  forecaster: Forecaster;
  /** Series that exist at the origin, ascending (aggregates sum these, as the Forecaster does). */
  active: number[];
  activeMask: Uint8Array;
  /** Median group size (active series) of each level that has calibrated intervals. */
  calibratedSizes: Partial<Record<ForecastLevel, number>>;
  loadMs: number;
}

// The parts of the registry and of the manifest serving reads (zod objects drop the rest). The
// keys are those of lib/registry/store.ts and lib/datasets/store.ts.
const registryView = z.object({ versions: z.array(modelVersionSchema) });
const manifestView = datasetManifestSchema.pick({ tableFile: true, plannedFile: true, frequency: true });

/** The production version and the dataset's identity, or null when the tenant has no production model. */
export async function servingState(tenantId: string): Promise<ServingState | null> {
  const registry = await readJsonCached(tenantPath(tenantId, 'models', 'registry.json'), registryView);
  const version = registry?.versions.find((v) => v.stage === 'production');
  if (!version) return null;
  const manifest = await readJsonCached(tenantPath(tenantId, 'data', 'dataset.json'), manifestView);
  if (!manifest) throw new AppError('not_found', `Model ${version.id} is in production but this organisation has no dataset to forecast from: import data first.`);
  return { tenantId, version, dataKey: `${manifest.tableFile}\u0000${manifest.plannedFile ?? ''}`, step: manifest.frequency === 'weekly' ? 7 : 1 };
}

type LoadedModels = Map<string, { key: string; model: Promise<ServingModel> }>;
let models: LoadedModels | undefined;
/** The loaded model per tenant, process-wide (every bundle's copy of this module serves from it). */
function loadedModels(): LoadedModels {
  models ??= processSingleton('forecast.serving-models', () => {
    const created: LoadedModels = new Map();
    // Subscribed with the map, on first use rather than at import: a promotion in this process
    // frees the old model at once; other processes' changes are seen on the next request (the
    // key no longer matches).
    subscribeProductionChange((tenantId) => created.delete(tenantId));
    return created;
  });
  return models;
}

/**
 * Listeners told when a (tenant, version, dataset) is loaded for the first time (warm-up).
 * Process-wide: Next.js bundles this module more than once (routes, pages, instrumentation), and
 * a load by any copy must reach the listener whichever copy registered it.
 */
const loadListeners = processSingleton('forecast.model-load-listeners', () => new Set<(state: ServingModel) => void>());
export function onModelLoaded(listener: (state: ServingModel) => void): void {
  loadListeners.add(listener);
}

function activeSeries(table: DailyTable, origin: number): number[] {
  // The Forecaster's own rule for aggregates: a series counts when it spans the origin.
  const out: number[] = [];
  for (let s = 0; s < seriesCount(table); s++) {
    const lo = table.seriesStart[s];
    const hi = table.seriesStart[s + 1];
    if (hi > lo && table.day[lo] <= origin && table.day[hi - 1] >= origin) out.push(s);
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 1 : s[Math.floor(s.length / 2)];
}

async function load(state: ServingState): Promise<ServingModel> {
  const t0 = performance.now();
  const { tenantId, version } = state;
  const artifact = await readArtifact(tenantId, version.id);
  const loaded = await loadTable(tenantId);
  if (!loaded) throw new AppError('not_found', `Model ${version.id} is in production but this organisation has no dataset to forecast from: import data first.`);
  const table = loaded.table;
  const planned = await loadPlannedEvents(tenantId, loaded.manifest);
  let forecaster: Forecaster;
  try {
    forecaster = loadForecaster(artifact, { table, planned });
  } catch (e) {
    if (e instanceof ZodError || e instanceof RangeError || (e instanceof Error && !isAppError(e))) {
      throw new AppError('conflict', `Model ${version.id} is in production but cannot serve forecasts: ${e instanceof ZodError ? 'its artifact is not a forecasting model' : e.message}. Promote another version or retrain.`);
    }
    throw e;
  }
  const active = activeSeries(table, forecaster.origin);
  const activeMask = new Uint8Array(seriesCount(table));
  for (const s of active) activeMask[s] = 1;
  const calibratedSizes: Partial<Record<ForecastLevel, number>> = {};
  for (const level of forecaster.levels) {
    if (!forecaster.parts.intervals[level]) continue;
    if (level === 'series') {
      calibratedSizes.series = 1;
      continue;
    }
    const sizes = [...membersByGroup(table, level).values()].map((m) => m.filter((s) => activeMask[s]).length).filter((n) => n > 0);
    calibratedSizes[level] = median(sizes);
  }
  return { ...state, table, forecaster, active, activeMask, calibratedSizes, loadMs: performance.now() - t0 };
}

/**
 * The loaded production model for `state` (from `servingState`), loading it on first use.
 * @throws AppError conflict when the production artifact cannot serve forecasts.
 */
export async function servingModel(state: ServingState): Promise<ServingModel> {
  const key = `${state.version.id}\u0000${state.dataKey}`;
  const entry = loadedModels().get(state.tenantId);
  if (entry && entry.key === key) return entry.model;
  const model = load(state);
  loadedModels().set(state.tenantId, { key, model });
  try {
    const m = await model;
    for (const l of loadListeners) l(m);
    return m;
  } catch (e) {
    if (loadedModels().get(state.tenantId)?.model === model) loadedModels().delete(state.tenantId);
    throw e;
  }
}
