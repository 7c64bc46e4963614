import { profileTable } from '@/ml/data/profile';
import { mergeTables, storedDayDifferences, type DailyTable, type StoredDayDifference } from '@/ml/data/table';
import { formatDay, parseIsoDay } from '@/ml/data/dates';
import type { KnownSpan } from '@/ml/data/date-span';
import { recordAudit, type AuditActor } from '../audit';
import { settings } from '../config';
import { AppError } from '../errors';
import { getExperiments } from '../experiments';
import { importRetail } from '../ingest/retail';
import { importGeneric, type AttributeFile } from '../ingest/generic';
import { MAX_REPORTED_ERRORS, byteLength, type ImportProvenance, type UploadedFile } from '../ingest/csv';
import { productionVersion } from '../registry/store';
import type { GenericMapping, ImportMode, IngestIssue, ValidationReport } from '../schemas/ingest';
import type { Tenant } from '../schemas/tenant';
import { effectiveQuotas } from '../tiers';
import { loadTable, readManifest, saveDataset, tenantStorageBytes, withDatasetLock } from './store';
import { monitorNewActuals } from '../monitoring/new-actuals';
import { latestDriftReport } from '../monitoring/drift';
import { latestLiveError } from '../monitoring/decay';

/** An upload to import; `mode` (default append) says what happens to days already stored. */
export type IngestRequest =
  | { format: 'retail'; files: UploadedFile[]; mode?: ImportMode }
  | { format: 'generic'; file: UploadedFile; mapping: GenericMapping; joins?: AttributeFile[]; mode?: ImportMode };

export interface IngestOutcome {
  /**
   * imported: a new dataset, days added or stored days replaced; unchanged: nothing to change;
   * invalid: nothing written (errors in the files, or stored days that differ in append mode).
   */
  status: 'imported' | 'unchanged' | 'invalid';
  mode: ImportMode;
  report: ValidationReport;
  fingerprint: string;
  rows: number;
  /** Rows added: days the stored data did not hold. */
  appendedRows: number;
  /** Stored rows whose values the upload changed (replace mode). */
  changedRows: number;
  dateRange: { first: string; last: string } | null;
  message: string;
  /** Columns whose new days drifted significantly (PSI over 0.25). */
  drifted?: string[];
  /** The production model's decay status on the new days, and the retraining job it or drift started. */
  decay?: string | null;
  retrainJobId?: string | null;
}

/** Reports progress; a returned promise (a job's progress write) is waited for before the next long step. */
export type Progress = (done: number, total: number, message: string) => unknown;

const allFiles = (req: IngestRequest): UploadedFile[] => (req.format === 'retail' ? req.files : [req.file, ...(req.joins ?? []).map((j) => j.file)]);
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
const shown = (v: number | string | null) => (v === null ? 'empty' : typeof v === 'number' ? String(v) : JSON.stringify(v));
const keysText = (keys: Record<string, string>) => Object.entries(keys).map(([k, v]) => `, ${k} ${v}`).join('');
const daysText = (d: { first: number; last: number }) => (d.first === d.last ? formatDay(d.first) : `${formatDay(d.first)} to ${formatDay(d.last)}`);

/** Display labels and the target's unit: the upload's, over those of the stored mapping (an append that sets none keeps them). */
function keptLabels(stored: Record<string, unknown> | null, mapping: GenericMapping): { labels: Record<string, string>; targetUnit?: string } {
  const before = stored && typeof stored.labels === 'object' && stored.labels !== null ? (stored.labels as Record<string, string>) : {};
  const unit = mapping.targetUnit ?? (typeof stored?.targetUnit === 'string' ? stored.targetUnit : undefined);
  return { labels: { ...before, ...mapping.labels }, ...(unit ? { targetUnit: unit } : {}) };
}

/** The differing rows as report errors, in file and line order, each saying where and what differs. */
function differenceIssues(differences: readonly StoredDayDifference[], locate: ImportProvenance['locate']): IngestIssue[] {
  return differences
    .map((d) => {
      const at = locate(d.row, d.column);
      const reason = `date ${formatDay(d.day)}${keysText(d.keys)}: ${d.column} ${shown(d.stored)} is stored, the file has ${shown(d.incoming)}${at.line === null ? ' (the file has no row for that day: a listed day without one has sold 0)' : ''}`;
      return { file: at.file, line: at.line, column: at.column, reason };
    })
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? Infinity) - (b.line ?? Infinity)));
}

/**
 * Validates, merges and stores an upload for one tenant. Any validation error: nothing is written
 * and the report says what and where. Days already stored: in append mode (the default) rows that
 * repeat them change nothing and rows that differ refuse the whole upload with their lines; in
 * replace mode the file's rows overwrite them, and the message and audit say how many changed.
 * Newer days are appended in both modes. The write happens under the tenant's dataset lock and is
 * atomic (see `saveDataset`).
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
  const mode: ImportMode = req.mode ?? 'append';
  const files = allFiles(req);
  const quota = effectiveQuotas(tenant.tier, tenant.quotaOverrides).storageBytes;
  const room = Math.max(1, quota - (await tenantStorageBytes(tenant.id)));
  const uploadBytes = files.reduce((sum, f) => sum + byteLength(f), 0);
  await progress(1, 4, `Validating ${files.length} file${files.length === 1 ? '' : 's'} (${(uploadBytes / (1024 * 1024)).toFixed(1)} MB)`);
  const limits = { maxFileBytes: room, maxTotalBytes: room, maxDateGapDays: settings.importMaxDateGapDays() };
  // The stored days anchor the far-date check, so a one-row file dated 9999 is judged against them.
  const storedBefore = await readManifest(tenant.id);
  const stored: KnownSpan | undefined = storedBefore?.dateRange
    ? { first: parseIsoDay(storedBefore.dateRange.first), last: parseIsoDay(storedBefore.dateRange.last), rows: storedBefore.rows }
    : undefined;
  const result = req.format === 'retail' ? importRetail(req.files, limits, { stored }) : importGeneric(req.file, req.mapping, { joins: req.joins, limits, stored });
  signal?.throwIfAborted();
  const base = { mode, report: result.report, fingerprint: result.fingerprint, dateRange: result.dateRange, changedRows: 0 };
  if (!result.table) {
    await recordAudit(tenant.id, { actor, action: 'data.import', outcome: 'failure', details: { format: req.format, mode, errors: result.report.errorCount, files: files.map((f) => f.name) } });
    return { ...base, status: 'invalid', rows: 0, appendedRows: 0, message: `Nothing imported: ${plural(result.report.errorCount, 'error')} in the files.` };
  }
  const incoming: DailyTable = result.table;
  await progress(2, 4, 'Merging with the stored data');
  const saved = await withDatasetLock(tenant.id, async () => {
    const previous = await readManifest(tenant.id);
    // Replace mode compares values, not bytes: the same files may undo a later correction.
    if (mode === 'append' && previous?.imports.some((i) => i.fingerprint === result.fingerprint)) {
      return { kind: 'done' as const, outcome: { ...base, status: 'unchanged' as const, rows: previous.rows, appendedRows: 0, message: 'These exact files were imported before: nothing changed.' } };
    }
    let table = incoming;
    let appendedRows = incoming.rows;
    let earlierRows = 0;
    let changedRows = 0;
    let changedDays: { first: number; last: number } | null = null;
    let report = result.report;
    let keptNote = '';
    if (previous) {
      if (previous.format !== req.format) {
        throw new AppError('conflict', `The stored dataset came from the ${previous.format} format; this upload is ${req.format}. Delete the dataset first to switch.`);
      }
      const current = await loadTable(tenant.id);
      if (!current) throw new AppError('internal', 'The stored dataset could not be read.');
      try {
        if (mode === 'append') {
          const differing = storedDayDifferences(current.table, incoming, { ...result.dayColumns, observed: result.observed, limit: MAX_REPORTED_ERRORS });
          if (differing.rows > 0) {
            const errors = differenceIssues(differing.first, result.locate);
            const first = errors[0];
            const message =
              `Nothing imported: ${plural(differing.rows, 'row falls', 'rows fall')} on days already stored and differ${differing.rows === 1 ? 's' : ''} from them ` +
              `(first: ${first.file}${first.line === null ? '' : ` line ${first.line}`}, ${first.reason}). Import again with replace mode to apply corrections.`;
            await recordAudit(tenant.id, {
              actor,
              action: 'data.import',
              target: req.format,
              outcome: 'failure',
              details: { format: req.format, mode, reason: 'stored days differ', differingRows: differing.rows, files: files.map((f) => f.name) },
            });
            const refused: ValidationReport = { ...result.report, ok: false, errors, errorCount: differing.rows };
            return { kind: 'done' as const, outcome: { ...base, report: refused, status: 'invalid' as const, rows: 0, appendedRows: 0, message } };
          }
          if (result.softColumns.length > 0) {
            const soft = storedDayDifferences(current.table, incoming, { numeric: result.softColumns, categorical: [], observed: result.observed, limit: 1 });
            if (soft.rows > 0) {
              const [d] = differenceIssues(soft.first, result.locate);
              const warning = { ...d, reason: `${plural(soft.rows, 'stored row gets', 'stored rows get')} another ${d.column} from this upload, kept as stored in append mode (replace mode applies it); first: ${d.reason}` };
              report = { ...report, warnings: [...report.warnings, warning], warningCount: report.warningCount + 1 };
              keptNote = ` ${plural(soft.rows, 'stored row keeps its', 'stored rows keep their')} ${d.column} although ${d.file} gives another (see the warning; replace mode applies it).`;
            }
          }
        }
        const merged = mergeTables(current.table, incoming, { mode, observed: result.observed });
        ({ table, appendedRows, earlierRows, changedRows, changedDays } = merged);
      } catch (e) {
        if (e instanceof RangeError) throw new AppError('conflict', `The upload does not fit the stored dataset: ${e.message}.`);
        throw e;
      }
      if (appendedRows === 0 && changedRows === 0) {
        const message = (mode === 'replace' ? 'The file matches the stored data: nothing changed.' : 'No newer days than the stored data: nothing changed.') + keptNote;
        return { kind: 'done' as const, outcome: { ...base, report, status: 'unchanged' as const, rows: previous.rows, appendedRows: 0, message } };
      }
    }
    signal?.throwIfAborted();
    await progress(3, 4, 'Profiling and saving');
    const profile = profileTable(table);
    const planned = 'plannedPromotions' in result ? result.plannedPromotions : [];
    const manifest = await saveDataset(tenant, {
      table,
      planned,
      format: req.format,
      mapping: req.format === 'generic' ? { ...req.mapping, dateFormat: req.mapping.dateFormat ?? ('detected' in result ? result.detected.dateFormat : undefined), ...keptLabels(previous?.mapping ?? null, req.mapping) } : null,
      profile,
      previous,
      importRecord: { at: new Date().toISOString(), by: actor.label, fingerprint: result.fingerprint, files: files.map((f) => f.name), rows: table.rows, appendedRows, changedRows, mode },
    });
    await recordAudit(tenant.id, {
      actor,
      action: 'data.import',
      target: req.format,
      outcome: 'success',
      details: {
        mode,
        rows: manifest.rows,
        appendedRows,
        changedRows,
        ...(changedDays ? { changedFrom: formatDay(changedDays.first), changedTo: formatDay(changedDays.last) } : {}),
        fingerprint: result.fingerprint,
      },
    });
    return { kind: 'saved' as const, manifest, table, previous, appendedRows, earlierRows, changedRows, changedDays, report, keptNote };
  });
  if (saved.kind === 'done') return saved.outcome;
  const { manifest, table, previous, appendedRows, earlierRows, changedRows, changedDays, report, keptNote } = saved;
  const summary = !previous
    ? `Imported ${manifest.rows.toLocaleString('en')} rows`
    : [
        changedDays ? `Replaced ${plural(changedRows, 'stored row')} (${daysText(changedDays)})` : '',
        appendedRows === 0
          ? ''
          : earlierRows === 0
            ? `${changedDays ? 'appended' : 'Appended'} ${plural(appendedRows, 'row')} of newer days`
            : `${changedDays ? 'added' : 'Added'} ${plural(appendedRows, 'row')} of days not stored before (${earlierRows.toLocaleString('en')} before their series' first stored day)`,
      ]
        .filter(Boolean)
        .join(' and ');
  // What the job says if it ends from here on without finishing (the import stands either way).
  await hooks.onSaved?.(previous?.dateRange ? `${summary}; ${changedDays ? 'the' : 'their'} drift and decay checks did not finish.` : `${summary}.`);
  // Newer days arrived, or stored days changed under the monitoring's figures: drift, the
  // production model's live error and the retraining they call for, on the table as it now is.
  // Outside the dataset lock: the import is saved, and monitoring (a recursive forecast of the new
  // days) must not hold up the next import.
  let drifted: string[] = [];
  let monitorNote = '';
  let decay: string | null = null;
  let retrainJobId: string | null = null;
  const monitorFrom = previous?.dateRange ? await monitoringStart(tenant.id, appendedRows, parseIsoDay(previous.dateRange.last) + table.step, changedDays) : null;
  if (monitorFrom !== null) {
    const monitored = await monitorNewActuals(tenant.id, table, monitorFrom, undefined, { retrain: hooks.retrain ?? true });
    ({ drifted, note: monitorNote } = monitored);
    decay = monitored.liveError?.status ?? null;
    retrainJobId = monitored.retrain?.jobId ?? null;
  }
  const productionNote = changedDays ? await replacedDaysNote(tenant.id, changedDays, table.step) : '';
  await progress(4, 4, 'Done');
  return {
    ...base,
    report,
    dateRange: manifest.dateRange,
    status: 'imported' as const,
    rows: manifest.rows,
    appendedRows,
    changedRows,
    drifted,
    decay,
    retrainJobId,
    message: [`${summary}.${keptNote}`, drifted.length ? `Drift detected on ${drifted.join(', ')}: see Monitoring.` : '', monitorNote, productionNote].filter(Boolean).join(' '),
  };
}

/**
 * The first day monitoring re-measures from, or null when nothing it reported changed: after new
 * days, the day after the stored data (as always); after replaced days only, the start of the
 * latest drift report (or live-error scoring) when the replaced days fall inside its windows, so
 * its figures are recomputed on the corrected actuals.
 */
async function monitoringStart(tenantId: string, appendedRows: number, afterStored: number, changedDays: { first: number; last: number } | null): Promise<number | null> {
  if (appendedRows > 0) return afterStored;
  if (!changedDays) return null;
  const [drift, live] = await Promise.all([latestDriftReport(tenantId), latestLiveError(tenantId)]);
  const overlaps = (from: string, to: string) => changedDays.first <= parseIsoDay(to) && changedDays.last >= parseIsoDay(from);
  if (drift && overlaps(drift.reference.from, drift.current.to)) return parseIsoDay(drift.current.from);
  if (live && overlaps(live.scored.from, live.scored.to)) return parseIsoDay(live.scored.from);
  return null;
}

/** What replaced days mean for the production model: its hold-out, or its training, used the old values. */
async function replacedDaysNote(tenantId: string, changed: { first: number; last: number }, step: number): Promise<string> {
  const prod = await productionVersion(tenantId);
  if (!prod) return '';
  const to = parseIsoDay(prod.trainingWindow.to);
  if (changed.first > to || changed.last < parseIsoDay(prod.trainingWindow.from)) return '';
  const [experiment] = prod.experimentId ? await getExperiments(tenantId, [prod.experimentId]) : [];
  const holdoutDays = typeof experiment?.params.holdoutDays === 'number' ? experiment.params.holdoutDays : step === 1 ? 30 : 56;
  const holdoutFrom = to - holdoutDays + step;
  if (changed.last >= holdoutFrom) {
    return `The production model ${prod.id} was evaluated on a hold-out (${formatDay(holdoutFrom)} to ${prod.trainingWindow.to}) that includes replaced days: its hold-out figures predate these corrections; retrain to measure it on them.`;
  }
  return `The production model ${prod.id} was trained on replaced days before their correction; retrain to learn from the corrected values.`;
}
