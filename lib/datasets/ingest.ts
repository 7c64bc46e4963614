import { profileTable } from '@/ml/data/profile';
import { mergeTables, type DailyTable } from '@/ml/data/table';
import { recordAudit, type AuditActor } from '../audit';
import { AppError } from '../errors';
import { importRetail } from '../ingest/retail';
import { importGeneric, type AttributeFile } from '../ingest/generic';
import { byteLength, type UploadedFile } from '../ingest/csv';
import type { GenericMapping, ValidationReport } from '../schemas/ingest';
import type { Tenant } from '../schemas/tenant';
import { effectiveQuotas } from '../tiers';
import { loadTable, readManifest, saveDataset, tenantStorageBytes, withDatasetLock } from './store';
import { monitorNewActuals } from '../monitoring/new-actuals';
import { parseIsoDay } from '@/ml/data/dates';

export type IngestRequest =
  | { format: 'retail'; files: UploadedFile[] }
  | { format: 'generic'; file: UploadedFile; mapping: GenericMapping; joins?: AttributeFile[] };

export interface IngestOutcome {
  /** imported: a new dataset or newer days appended; unchanged: the same files again; invalid: nothing written. */
  status: 'imported' | 'unchanged' | 'invalid';
  report: ValidationReport;
  fingerprint: string;
  rows: number;
  appendedRows: number;
  dateRange: { first: string; last: string } | null;
  message: string;
  /** Columns whose new days drifted significantly (PSI over 0.25). */
  drifted?: string[];
  /** The production model's decay status on the new days, and the retraining job it or drift started. */
  decay?: string | null;
  retrainJobId?: string | null;
}

export type Progress = (done: number, total: number, message: string) => void;

const allFiles = (req: IngestRequest): UploadedFile[] => (req.format === 'retail' ? req.files : [req.file, ...(req.joins ?? []).map((j) => j.file)]);

/**
 * Validates, merges and stores an upload for one tenant. Any validation error: nothing is written
 * and the report says what and where. The same files again: nothing changes. Newer days: appended.
 * The write happens under the tenant's dataset lock and is atomic (see `saveDataset`).
 */
export async function ingestDataset(
  tenant: Tenant,
  req: IngestRequest,
  actor: AuditActor,
  progress: Progress = () => {},
  signal?: AbortSignal,
  hooks: {
    /** Called once the dataset is saved for good, before the new days' monitoring, with what a job stopped from then on should say. */
    onSaved?: (message: string) => Promise<void>;
    /** false: measure the new days' drift and decay but start no retraining whatever the settings (the demo's seeding). */
    retrain?: boolean;
  } = {},
): Promise<IngestOutcome> {
  const files = allFiles(req);
  const quota = effectiveQuotas(tenant.tier, tenant.quotaOverrides).storageBytes;
  const room = Math.max(1, quota - (await tenantStorageBytes(tenant.id)));
  const uploadBytes = files.reduce((sum, f) => sum + byteLength(f), 0);
  progress(1, 4, `Validating ${files.length} file${files.length === 1 ? '' : 's'} (${(uploadBytes / (1024 * 1024)).toFixed(1)} MB)`);
  const limits = { maxFileBytes: room, maxTotalBytes: room };
  const result = req.format === 'retail' ? importRetail(req.files, limits) : importGeneric(req.file, req.mapping, { joins: req.joins, limits });
  signal?.throwIfAborted();
  const base = { report: result.report, fingerprint: result.fingerprint, dateRange: result.dateRange };
  if (!result.table) {
    await recordAudit(tenant.id, { actor, action: 'data.import', outcome: 'failure', details: { format: req.format, errors: result.report.errorCount, files: files.map((f) => f.name) } });
    return { ...base, status: 'invalid', rows: 0, appendedRows: 0, message: `Nothing imported: ${result.report.errorCount} error${result.report.errorCount === 1 ? '' : 's'} in the files.` };
  }
  const incoming: DailyTable = result.table;
  progress(2, 4, 'Merging with the stored data');
  const saved = await withDatasetLock(tenant.id, async () => {
    const previous = await readManifest(tenant.id);
    if (previous?.imports.some((i) => i.fingerprint === result.fingerprint)) {
      return { kind: 'unchanged' as const, outcome: { ...base, status: 'unchanged' as const, rows: previous.rows, appendedRows: 0, message: 'These exact files were imported before: nothing changed.' } };
    }
    let table = incoming;
    let appendedRows = incoming.rows;
    if (previous) {
      if (previous.format !== req.format) {
        throw new AppError('conflict', `The stored dataset came from the ${previous.format} format; this upload is ${req.format}. Delete the dataset first to switch.`);
      }
      const current = await loadTable(tenant.id);
      if (!current) throw new AppError('internal', 'The stored dataset could not be read.');
      try {
        const merged = mergeTables(current.table, incoming);
        table = merged.table;
        appendedRows = merged.appendedRows;
      } catch (e) {
        throw new AppError('conflict', `The upload does not fit the stored dataset: ${(e as Error).message}.`);
      }
      if (appendedRows === 0) {
        return { kind: 'unchanged' as const, outcome: { ...base, status: 'unchanged' as const, rows: previous.rows, appendedRows: 0, message: 'No newer days than the stored data: nothing changed.' } };
      }
    }
    signal?.throwIfAborted();
    progress(3, 4, 'Profiling and saving');
    const profile = profileTable(table);
    const planned = 'plannedPromotions' in result ? result.plannedPromotions : [];
    const manifest = await saveDataset(tenant, {
      table,
      planned,
      format: req.format,
      mapping: req.format === 'generic' ? { ...req.mapping, dateFormat: req.mapping.dateFormat ?? ('detected' in result ? result.detected.dateFormat : undefined) } : null,
      profile,
      previous,
      importRecord: { at: new Date().toISOString(), by: actor.label, fingerprint: result.fingerprint, files: files.map((f) => f.name), rows: table.rows, appendedRows },
    });
    await recordAudit(tenant.id, { actor, action: 'data.import', target: req.format, outcome: 'success', details: { rows: manifest.rows, appendedRows, fingerprint: result.fingerprint } });
    return { kind: 'saved' as const, manifest, table, previous, appendedRows };
  });
  if (saved.kind === 'unchanged') return saved.outcome;
  const { manifest, table, previous, appendedRows } = saved;
  // What the job says if it ends from here on without finishing (the import stands either way).
  await hooks.onSaved?.(
    previous?.dateRange ? `Appended ${appendedRows.toLocaleString('en')} rows of newer days; their drift and decay checks did not finish.` : `Imported ${manifest.rows.toLocaleString('en')} rows.`,
  );
  // Newer days arrived: drift against the days before, the production model's live error, and
  // the retraining they call for. Outside the dataset lock: the import is saved, and monitoring
  // (a recursive forecast of the new days) must not hold up the next import.
  let drifted: string[] = [];
  let monitorNote = '';
  let decay: string | null = null;
  let retrainJobId: string | null = null;
  if (previous?.dateRange) {
    const monitored = await monitorNewActuals(tenant.id, table, parseIsoDay(previous.dateRange.last) + table.step, undefined, { retrain: hooks.retrain ?? true });
    ({ drifted, note: monitorNote } = monitored);
    decay = monitored.liveError?.status ?? null;
    retrainJobId = monitored.retrain?.jobId ?? null;
  }
  progress(4, 4, 'Done');
  return {
    ...base,
    dateRange: manifest.dateRange,
    status: 'imported' as const,
    rows: manifest.rows,
    appendedRows,
    drifted,
    decay,
    retrainJobId,
    message: previous
      ? `Appended ${appendedRows.toLocaleString('en')} rows of newer days.${drifted.length ? ` Drift detected on ${drifted.join(', ')}: see Monitoring.` : ''}${monitorNote ? ` ${monitorNote}` : ''}`
      : `Imported ${manifest.rows.toLocaleString('en')} rows.`,
  };
}
