import type { DailyTable } from '@/ml/data/table';
import { monitorNewDays, type DriftReport } from './drift';
import { monitorLiveError, type LiveErrorRecord } from './decay';
import { triggerRetraining, type RetrainLauncher, type TriggerOutcome } from './triggers';

export interface NewActualsOutcome {
  drift: DriftReport | null;
  /** Columns whose new days drifted significantly (PSI over 0.25). */
  drifted: string[];
  /** The production model's live error on the new days (null: no production model, or no day after its training). */
  liveError: LiveErrorRecord | null;
  retrain: TriggerOutcome | null;
  /** What could not be checked, said plainly (the import itself stands). */
  problems: string[];
  /** One or two sentences for the import's message: decay, retraining, problems ('' when nothing to say). */
  note: string;
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

/**
 * Everything that happens when newer actuals arrive (an import that appended days): drift of the
 * new days, the production model's live error and decay, and the retraining those call for.
 * Runs after the new dataset is saved, so a failure here never undoes the import: drift, decay
 * scoring and the trigger report their failure in `problems` instead of throwing.
 * `options.retrain` false measures everything but triggers nothing (the demo's seeding).
 */
export async function monitorNewActuals(tenantId: string, table: DailyTable, newFromDay: number, launch?: RetrainLauncher, options: { retrain?: boolean } = {}): Promise<NewActualsOutcome> {
  const problems: string[] = [];
  let report: DriftReport | null = null;
  let drifted: string[] = [];
  try {
    ({ report, drifted } = await monitorNewDays(tenantId, table, newFromDay));
  } catch (e) {
    console.error(`drift monitoring of ${tenantId} failed:`, e);
    problems.push(`Drift could not be measured on the new days: ${(e as Error).message}`);
  }
  let liveError: LiveErrorRecord | null = null;
  try {
    liveError = await monitorLiveError(tenantId, table);
  } catch (e) {
    console.error(`decay monitoring of ${tenantId} failed:`, e);
    problems.push(`The production model could not be scored on the new days: ${(e as Error).message}`);
  }
  const w = liveError?.current;
  const decay = liveError
    ? {
        decayed: liveError.status === 'decayed',
        reason: `${liveError.versionId} WAPE ${pct(w?.wape ?? null)} over ${w?.from} to ${w?.to} against its hold-out ${pct(liveError.referenceWape)} (tolerance ${pct(liveError.tolerance)})`,
      }
    : null;
  let retrain: TriggerOutcome | null = null;
  try {
    if (options.retrain !== false) retrain = await triggerRetraining(tenantId, { decay, drifted }, launch);
  } catch (e) {
    console.error(`retraining trigger of ${tenantId} failed:`, e);
    problems.push(`Retraining could not be started: ${(e as Error).message}`);
  }
  const note: string[] = [];
  if (liveError?.status === 'decayed') note.push(`The production model ${liveError.versionId} has decayed on the new days (${decay?.reason}).`);
  if (retrain) note.push(`Retraining (${retrain.trigger}) ${retrain.status === 'started' ? 'started' : 'already running'}.`);
  note.push(...problems);
  return { drift: report, drifted, liveError, retrain, problems, note: note.join(' ') };
}
