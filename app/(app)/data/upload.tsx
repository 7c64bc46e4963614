'use client';

import { useState } from 'react';
import { useHydrated } from '@/components/use-hydrated';
import { useRouter } from 'next/navigation';
import type { CsvPreview } from '@/lib/ingest/generic';
import type { Job } from '@/lib/schemas/jobs';
import { JobProgress } from '@/components/job-progress';
import { defaultLabel, guessUnit } from '@/lib/datasets/labels';

type ApiError = { error: { code: string; message: string } };

/** The wizard's mapping: column names per role. */
interface WizardMapping {
  date: string;
  target: string;
  keys: string[];
  numeric: string[];
  categorical: string[];
  dateFormat: string;
  frequency: string;
}

/** The mapping of the tenant's last generic import, as its job kept it, to fill the wizard in again. */
export interface LastMapping {
  mapping: { date: string; target: string; keys?: Record<string, string>; numeric?: string[]; categorical?: string[]; dateFormat?: string; frequency?: string };
  file: string;
  status: string;
  at: string;
}

const EMPTY_MAPPING: WizardMapping = { date: '', target: '', keys: [], numeric: [], categorical: [], dateFormat: '', frequency: '' };

/** The detected mapping of a preview as the wizard's choices. */
function detectedMapping(p: CsvPreview): WizardMapping {
  const d = p.detected;
  if (!d) return EMPTY_MAPPING;
  return { date: d.date ?? '', target: d.target ?? '', keys: [...d.keys], numeric: [...d.numeric], categorical: [...d.categorical], dateFormat: d.dateFormat ?? '', frequency: '' };
}

/** The last import's mapping, when every column it names is in this file (else null: another file). */
function lastMappingFor(p: CsvPreview, last: LastMapping | undefined): WizardMapping | null {
  if (!last) return null;
  const m = last.mapping;
  const keys = Object.values(m.keys ?? {});
  const used = [m.date, m.target, ...keys, ...(m.numeric ?? []), ...(m.categorical ?? [])];
  if (!used.every((c) => p.columns.includes(c))) return null;
  return { date: m.date, target: m.target, keys, numeric: [...(m.numeric ?? [])], categorical: [...(m.categorical ?? [])], dateFormat: m.dateFormat ?? '', frequency: m.frequency ?? '' };
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** POSTs a multipart form with XMLHttpRequest, reporting upload progress (fetch cannot). */
function postWithProgress(url: string, form: FormData, onProgress: (share: number) => void): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = { error: { code: 'internal', message: `Unexpected answer (${xhr.status}).` } };
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new Error('The upload was interrupted. Check the connection and try again.'));
    xhr.send(form);
  });
}

/** What the preview reads of a file: its start, cut at the last line end (the server takes at most 2 MB). */
const PREVIEW_BYTES = 1024 * 1024;

/** The first PREVIEW_BYTES of a file, ending at a line end so that no row is cut in half. */
async function fileStart(file: File): Promise<Blob> {
  if (file.size <= PREVIEW_BYTES) return file;
  const head = new Uint8Array(await file.slice(0, PREVIEW_BYTES).arrayBuffer());
  const end = head.lastIndexOf(0x0a);
  return new Blob([end > 0 ? head.subarray(0, end + 1) : head], { type: file.type });
}

const megabytes = (bytes: number) => `${(bytes / 1048576).toFixed(bytes % 1048576 === 0 ? 0 : 1)} MB`;

const RETAIL_FILES = ['sales.csv', 'online.csv', 'markdowns.csv', 'price_history.csv', 'discounts_history.csv', 'stores.csv', 'catalog.csv', 'actual_matrix.csv'];

/**
 * The import form: the retail files or one CSV with a mapping wizard, uploaded with progress;
 * `maxUploadBytes` is the per-upload cap. The wizard fills the mapping in from what it detects in
 * the file, or from `lastMapping` (the tenant's last import, failed or not) when the file has
 * its columns, and keeps it after a failed import.
 */
export function DataUpload({ maxUploadBytes, lastMapping }: { maxUploadBytes: number; lastMapping?: LastMapping }) {
  const router = useRouter();
  const hydrated = useHydrated();
  const [format, setFormat] = useState<'retail' | 'generic'>('retail');
  const [mode, setMode] = useState<'append' | 'replace'>('append');
  const [files, setFiles] = useState<File[]>([]);
  const [uploadShare, setUploadShare] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  const [preview, setPreview] = useState<CsvPreview | null>(null);
  // Display labels typed per column (empty: the readable default) and what the value to forecast counts.
  const [labels, setLabels] = useState<Record<string, string>>({});
  const [targetUnit, setTargetUnit] = useState<'' | 'currency' | 'units' | 'number'>('');
  const [mapping, setMapping] = useState<WizardMapping>(EMPTY_MAPPING);
  const [filledFrom, setFilledFrom] = useState<'detected' | 'last'>('detected');

  async function loadPreview(file: File) {
    setError(null);
    setPreview(null);
    // The wizard needs the columns and a sample, not the whole file: the start of it is sent, and
    // the row count is estimated from the file's size.
    const form = new FormData();
    form.append('size', String(file.size));
    form.append('file', await fileStart(file), file.name);
    const res = await fetch('/api/v1/datasets/preview', { method: 'POST', body: form });
    const body = (await res.json()) as { preview: CsvPreview } | ApiError;
    if (!res.ok || 'error' in body) {
      setError('error' in body ? body.error.message : 'The file could not be read.');
      return;
    }
    const p = body.preview;
    setPreview(p);
    setLabels({});
    setTargetUnit('');
    const last = lastMappingFor(p, lastMapping);
    setMapping(last ?? detectedMapping(p));
    setFilledFrom(last ? 'last' : 'detected');
  }

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    setJob(null);
    if (files.length === 0) {
      setError('Choose the files to upload first.');
      return;
    }
    const total = files.reduce((s, f) => s + f.size, 0);
    if (total > maxUploadBytes) {
      setError(`The files are ${megabytes(total)}; one upload takes at most ${megabytes(maxUploadBytes)}.`);
      return;
    }
    // The text fields first: the server checks them as they arrive, before the files.
    const form = new FormData();
    form.append('format', format);
    form.append('mode', mode);
    if (format === 'generic') {
      if (!mapping.date || !mapping.target) {
        setError('Choose the date column and the column to forecast.');
        return;
      }
      form.append(
        'mapping',
        JSON.stringify({
          date: mapping.date,
          target: mapping.target,
          keys: Object.fromEntries(mapping.keys.map((k) => [k.toLowerCase().replace(/[^a-z0-9_]/g, '_').replace(/^[^a-z]+/, '') || 'key', k])),
          numeric: mapping.numeric,
          categorical: mapping.categorical,
          ...(mapping.dateFormat ? { dateFormat: mapping.dateFormat } : {}),
          ...(mapping.frequency ? { frequency: mapping.frequency } : {}),
          labels: Object.fromEntries(Object.entries(labels).filter(([c, l]) => l.trim() !== '' && roleOf(c) !== 'ignore')),
          targetUnit: targetUnit || guessUnit(mapping.target),
        }),
      );
    }
    for (const f of files) form.append('files', f, f.name);
    setUploadShare(0);
    try {
      const { status, body } = await postWithProgress('/api/v1/datasets', form, setUploadShare);
      if (status !== 202) {
        setError((body as ApiError).error?.message ?? `The upload failed (${status}).`);
        return;
      }
      setJob((body as { job: Job }).job);
      router.refresh();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setUploadShare(null);
    }
  }

  const columns = preview?.columns ?? [];
  const toggle = (list: string[], c: string) => (list.includes(c) ? list.filter((x) => x !== c) : [...list, c]);
  const roleOf = (c: string) =>
    c === mapping.date ? 'date' : c === mapping.target ? 'target' : mapping.keys.includes(c) ? 'key' : mapping.numeric.includes(c) ? 'numeric' : mapping.categorical.includes(c) ? 'categorical' : 'ignore';
  function setRole(c: string, role: string) {
    setMapping((m) => {
      const clean = {
        ...m,
        date: m.date === c ? '' : m.date,
        target: m.target === c ? '' : m.target,
        keys: m.keys.filter((x) => x !== c),
        numeric: m.numeric.filter((x) => x !== c),
        categorical: m.categorical.filter((x) => x !== c),
      };
      if (role === 'date') return { ...clean, date: c, dateFormat: preview?.dateFormats[c]?.format ?? '' };
      if (role === 'target') return { ...clean, target: c };
      if (role === 'key') return { ...clean, keys: toggle(clean.keys, c) };
      if (role === 'numeric') return { ...clean, numeric: toggle(clean.numeric, c) };
      if (role === 'categorical') return { ...clean, categorical: toggle(clean.categorical, c) };
      return clean;
    });
  }

  return (
    <form onSubmit={submit} data-testid="upload-form">
      {/* Disabled until hydrated: a choice made before would be reset, a submit posted natively. */}
      <fieldset disabled={!hydrated} style={{ border: 'none', padding: 0, margin: 0, minWidth: 0, display: 'grid', gap: '0.75rem' }}>
      <fieldset style={{ border: 'none', padding: 0, display: 'flex', gap: '1.5rem', flexWrap: 'wrap' }}>
        <legend className="muted">What are you uploading?</legend>
        <label style={{ flexDirection: 'row', alignItems: 'center', gap: '0.4rem' }}>
          <input type="radio" name="format" checked={format === 'retail'} onChange={() => (setFormat('retail'), setFiles([]), setPreview(null))} />
          The retailer&apos;s 8 CSV files
        </label>
        <label style={{ flexDirection: 'row', alignItems: 'center', gap: '0.4rem' }}>
          <input type="radio" name="format" checked={format === 'generic'} onChange={() => (setFormat('generic'), setFiles([]), setPreview(null))} />
          One CSV with a column mapping
        </label>
      </fieldset>
      {format === 'retail' ? (
        <label>
          Files ({RETAIL_FILES.join(', ')})
          <input type="file" accept=".csv,text/csv" multiple onChange={(e) => setFiles([...(e.target.files ?? [])])} data-testid="retail-files" />
        </label>
      ) : (
        <label>
          CSV file
          <input
            type="file"
            accept=".csv,text/csv"
            data-testid="generic-file"
            onChange={(e) => {
              const f = e.target.files?.[0];
              setFiles(f ? [f] : []);
              if (f) void loadPreview(f);
            }}
          />
        </label>
      )}
      {format === 'generic' && preview && (
        <div className="card" data-testid="mapping">
          <h3 style={{ marginTop: 0 }}>Map the columns</h3>
          <p className="muted">
            {preview.totalRows.toLocaleString('en')} rows{preview.totalRowsEstimated ? ' (estimated)' : ''}. Types are detected from the first rows; choose what each column is.
          </p>
          {preview.detected && (
            <div data-testid="detected">
              <p>
                Detected{preview.totalRowsEstimated ? ` in the first ${preview.sampleRows.toLocaleString('en')} rows` : ''}: <strong data-testid="detected-summary">{preview.detected.summary}</strong>
                {preview.detected.keys.length > 0 ? `; series key${preview.detected.keys.length > 1 ? 's' : ''} ${preview.detected.keys.join(', ')}` : '; one series (no key column)'}
                {preview.detected.target ? `; value to forecast ${preview.detected.target}` : ''}
                {preview.detected.numeric.length > 0 ? `; ${preview.detected.numeric.length} numeric regressor${preview.detected.numeric.length > 1 ? 's' : ''}` : ''}
                {preview.detected.holidays
                  ? `; holiday calendar ${preview.detected.holidays.calendar ?? 'none'} (${preview.detected.holidays.column}${preview.detected.holidays.calendar ? ' marks its holidays' : ' follows no built-in calendar'})`
                  : '; no holiday flag (holiday calendar none until you set one)'}
                .
              </p>
              {!preview.detected.unique && (
                <p className="alert error" role="alert">
                  No combination of columns tells apart the rows of one date in this sample: an import would refuse the repeated rows. Check the file, or choose the series keys yourself.
                </p>
              )}
            </div>
          )}
          {filledFrom === 'last' && lastMapping && (
            <p className="alert" data-testid="mapping-from-last">
              Filled in from your last import of {lastMapping.file} ({lastMapping.status}, {lastMapping.at.slice(0, 16).replace('T', ' ')} UTC): check the columns below.{' '}
              <button type="button" className="secondary" onClick={() => (setMapping(detectedMapping(preview)), setFilledFrom('detected'))}>
                Use the detected mapping
              </button>
            </p>
          )}
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Column</th>
                  <th>Detected</th>
                  <th>Sample</th>
                  <th>Use as</th>
                  <th>Label shown</th>
                </tr>
              </thead>
              <tbody>
                {columns.map((c, ci) => (
                  <tr key={c}>
                    <td>{c}</td>
                    <td>
                      {preview.types[c]}
                      {preview.dateFormats[c] ? ` (${preview.dateFormats[c].format ?? 'unknown format'}${preview.dateFormats[c].ambiguous ? ', ambiguous' : ''})` : ''}
                    </td>
                    <td className="muted">{preview.rows.slice(0, 3).map((r) => r[ci]).join(' · ')}</td>
                    <td>
                      <select aria-label={`Use of column ${c}`} value={roleOf(c)} onChange={(e) => setRole(c, e.target.value)}>
                        <option value="ignore">ignore</option>
                        <option value="date">date</option>
                        <option value="target">value to forecast</option>
                        <option value="key">series key (store, item…)</option>
                        <option value="numeric">numeric regressor</option>
                        <option value="categorical">category</option>
                      </select>
                    </td>
                    <td>
                      <input aria-label={`Label of column ${c}`} value={labels[c] ?? ''} placeholder={defaultLabel(c)} maxLength={60} onChange={(e) => setLabels({ ...labels, [c]: e.target.value })} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {preview.detected?.unique && preview.detected.keys.length > 0 && !sameSet(mapping.keys, preview.detected.keys) && (
            <p className="alert error" role="alert" data-testid="keys-warning">
              Series key{preview.detected.keys.length > 1 ? 's' : ''} {preview.detected.keys.join(', ')} tell{preview.detected.keys.length > 1 ? '' : 's'} apart the rows of each date
              {mapping.keys.length === 0 ? '; without a key, rows repeat per date and the import is refused' : `; with ${mapping.keys.join(', ')} instead, rows may repeat per date`}.{' '}
              <button type="button" className="secondary" onClick={() => setMapping((m) => ({ ...m, keys: [...(preview.detected?.keys ?? [])], numeric: m.numeric.filter((c) => !preview.detected?.keys.includes(c)), categorical: m.categorical.filter((c) => !preview.detected?.keys.includes(c)) }))}>
                Use {preview.detected.keys.join(', ')} as key{preview.detected.keys.length > 1 ? 's' : ''}
              </button>
            </p>
          )}
          <div className="form-grid">
            <label>
              Date format
              <select value={mapping.dateFormat} onChange={(e) => setMapping({ ...mapping, dateFormat: e.target.value })}>
                <option value="">detect</option>
                <option>YYYY-MM-DD</option>
                <option>DD/MM/YYYY</option>
                <option>MM/DD/YYYY</option>
                <option>DD.MM.YYYY</option>
              </select>
            </label>
            <label>
              The value to forecast counts
              <select value={targetUnit || (mapping.target ? guessUnit(mapping.target) : 'number')} onChange={(e) => setTargetUnit(e.target.value as 'currency' | 'units' | 'number')} data-testid="target-unit">
                <option value="currency">money (your currency)</option>
                <option value="units">units sold</option>
                <option value="number">another quantity</option>
              </select>
            </label>
            <label>
              Frequency
              <select value={mapping.frequency} onChange={(e) => setMapping({ ...mapping, frequency: e.target.value })}>
                <option value="">detect</option>
                <option value="daily">daily</option>
                <option value="weekly">weekly</option>
              </select>
            </label>
          </div>
        </div>
      )}
      <label>
        Days the stored data already has
        <select name="mode" value={mode} onChange={(e) => setMode(e.target.value === 'replace' ? 'replace' : 'append')} data-testid="import-mode">
          <option value="append">keep them: add newer days only, refuse a file that changes them</option>
          <option value="replace">replace them with the file&apos;s values (corrections)</option>
        </select>
      </label>
      <p className="muted" data-testid="upload-limit">
        {files.length > 0 ? `${files.length} file${files.length === 1 ? '' : 's'}, ${(files.reduce((s, f) => s + f.size, 0) / 1048576).toFixed(1)} MB. ` : ''}
        One upload takes up to {megabytes(maxUploadBytes)} (all its files together), within the storage of your plan.
      </p>
      {uploadShare !== null && (
        <div>
          <div className="usage-bar" role="progressbar" aria-label="Upload" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(uploadShare * 100)}>
            <span style={{ width: `${(uploadShare * 100).toFixed(0)}%` }} />
          </div>
          <p className="muted" aria-live="polite">
            Uploading… {Math.round(uploadShare * 100)}%
          </p>
        </div>
      )}
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
      <div>
        <button type="submit" disabled={uploadShare !== null}>
          Upload and import
        </button>
      </div>
      </fieldset>
      {job && <JobProgress initial={job} canCancel label="Import" />}
    </form>
  );
}
