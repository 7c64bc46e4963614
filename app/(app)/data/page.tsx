import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { loadTable, readManifest } from '@/lib/datasets/store';
import { listJobs } from '@/lib/jobs/store';
import { genericMappingSchema, validationReportSchema } from '@/lib/schemas/ingest';
import { JobProgress } from '@/components/job-progress';
import { ValidationReportView } from '@/components/validation-report';
import { DataUpload, type LastMapping } from './upload';
import { ProfileCharts } from './profile-charts';
import { ActionForm } from '@/components/action-form';
import { getHolidayCalendar, BASE_CALENDARS } from '@/lib/holidays';
import { nameBook } from '@/ml/data/names';
import { listHolidays } from '@/ml/features/holidays';
import { parseIsoDay } from '@/ml/data/dates';
import { setHolidaysAction } from './actions';
import { settings } from '@/lib/config';
import { datasetLabels } from '@/lib/datasets/labels';

export const metadata: Metadata = { title: 'Data' };

const pct = (x: number) => `${(x * 100).toFixed(x > 0 && x < 0.001 ? 3 : 1)}%`;
const num = (x: number) => (Number.isFinite(x) ? x.toLocaleString('en', { maximumFractionDigits: 2 }) : '—');

export default async function DataPage() {
  const ctx = await requirePage('data.read', '/data');
  const [manifest, jobs, calendar] = await Promise.all([readManifest(ctx.tenantId), listJobs(ctx.tenantId, { kind: 'ingest', limit: 5 }), getHolidayCalendar(ctx.tenantId)]);
  const canImport = can(ctx.role, 'data.import');
  const latest = jobs[0];
  // The mapping the last generic import was sent with (kept with its job), for the wizard to fill in again.
  const lastGeneric = jobs.map((j) => ({ job: j, mapping: j.params.format === 'generic' ? genericMappingSchema.safeParse(j.params.mapping) : null })).find((x) => x.mapping?.success);
  const lastMapping: LastMapping | undefined =
    lastGeneric?.mapping?.success
      ? { mapping: lastGeneric.mapping.data, file: String((Array.isArray(lastGeneric.job.params.files) ? lastGeneric.job.params.files[0] : undefined) ?? 'a CSV'), status: lastGeneric.job.status, at: lastGeneric.job.finishedAt ?? lastGeneric.job.createdAt }
      : undefined;
  // The profile's top stores and items by name and id.
  const table = manifest ? (await loadTable(ctx.tenantId))?.table : undefined;
  const topLabels: Record<string, Record<string, string>> = {};
  if (table && manifest?.profile) {
    const book = nameBook(table);
    for (const [key, values] of Object.entries(manifest.profile.top)) {
      if (key === 'store' || key === 'item') topLabels[key] = Object.fromEntries(values.map((v) => [v.value, book.label(key, v.value)]));
    }
  }
  const latestReport = latest?.result ? validationReportSchema.safeParse(latest.result.report) : undefined;
  const p = manifest?.profile;
  const holidays =
    p?.dateRange && calendar ? listHolidays(calendar.spec, parseIsoDay(p.dateRange.first), parseIsoDay(p.dateRange.last)) : [];
  return (
    <>
      <h1>Data</h1>
      {canImport && (
        <section className="card">
          <h2>Import</h2>
          <p className="muted">
            Every row is checked before anything is stored: with any error nothing is imported, and the report says which file, line and column. Importing the
            same files again changes nothing; newer days are appended. A file that changes days already stored is refused unless you choose to replace them.
          </p>
          <DataUpload maxUploadBytes={settings.uploadMaxBytes()} lastMapping={lastMapping} />
        </section>
      )}
      {latest && (
        <section className="card" aria-labelledby="last-import">
          <h2 id="last-import">Last import</h2>
          <JobProgress key={`${latest.id}:${latest.status}`} initial={latest} canCancel={canImport} label={importLabel(latest.params.files, latest.createdBy)} />
          {latest.result && typeof latest.result.message === 'string' && <p data-testid="import-message">{latest.result.message}</p>}
          {latestReport?.success && <ValidationReportView report={latestReport.data} />}
        </section>
      )}
      {!manifest || !p ? (
        <section className="card empty">
          <p>No data yet.{canImport ? ' Import the retailer’s 8 CSV files, or one CSV with a column mapping, above.' : ' A manager or admin can import it.'}</p>
        </section>
      ) : (
        <>
          <section className="card" aria-labelledby="profile">
            <h2 id="profile">Profile</h2>
            <div className="grid" data-testid="profile">
              <div>
                <div className="muted">Rows</div>
                <strong data-testid="profile-rows">{p.rows.toLocaleString('en')}</strong>
              </div>
              <div>
                <div className="muted">Date range ({p.frequency})</div>
                <strong>
                  {p.dateRange?.first} to {p.dateRange?.last}
                </strong>
                <div className="muted" data-testid="profile-periods">
                  {p.periods.toLocaleString('en')} {p.frequency === 'weekly' ? 'weeks' : 'days'}
                </div>
              </div>
              <div>
                <div className="muted">Series</div>
                <strong>{p.series.toLocaleString('en')}</strong>
              </div>
              {Object.entries(p.keys).map(([k, n]) => (
                <div key={k}>
                  <div className="muted">Distinct {k}</div>
                  <strong data-testid={`profile-key-${k}`}>{n.toLocaleString('en')}</strong>
                </div>
              ))}
            </div>
            <p className="muted">
              Format {manifest.format}; {manifest.imports.length} import{manifest.imports.length === 1 ? '' : 's'}, last by {manifest.imports.at(-1)?.by} on{' '}
              {manifest.imports.at(-1)?.at.slice(0, 10)}; fingerprint <code>{manifest.imports.at(-1)?.fingerprint.slice(0, 12)}</code>.
            </p>
          </section>
          <ProfileCharts
            overTime={p.overTime}
            top={p.top}
            target={datasetLabels({ keyNames: Object.keys(p.keys), targetName: p.target.name, numeric: {}, categorical: {} }, manifest.mapping).target}
            keyLabels={Object.fromEntries(Object.keys(p.top).map((k) => [k, datasetLabels({ keyNames: [k], targetName: p.target.name, numeric: {}, categorical: {} }, manifest.mapping).label(k)]))}
            labels={topLabels}
            step={p.frequency === 'weekly' ? 7 : 1}
            regional={ctx.tenant.regional}
          />
          <div className="grid">
            <section className="card table-wrap">
              <h2>
                {datasetLabels({ keyNames: Object.keys(p.keys), targetName: p.target.name, numeric: {}, categorical: {} }, manifest.mapping).target.label}: distribution
              </h2>
              <table>
                <tbody>
                  <tr>
                    <th>Total</th>
                    <td>{num(p.target.sum)}</td>
                  </tr>
                  <tr>
                    <th>Mean</th>
                    <td>{num(p.target.mean)}</td>
                  </tr>
                  {['min', '5%', '25%', 'median', '75%', '95%', 'max'].map((label, i) => (
                    <tr key={label}>
                      <th>{label}</th>
                      <td>{num(p.target.quantiles[i])}</td>
                    </tr>
                  ))}
                  <tr>
                    <th>Zero</th>
                    <td>{pct(p.target.zeroShare)}</td>
                  </tr>
                  <tr>
                    <th>Negative (returns)</th>
                    <td>{pct(p.target.negativeShare)}</td>
                  </tr>
                </tbody>
              </table>
            </section>
            <section className="card table-wrap">
              <h2>Missing values per column</h2>
              <table>
                <thead>
                  <tr>
                    <th>Column</th>
                    <th>Missing</th>
                  </tr>
                </thead>
                <tbody>
                  {Object.entries(p.missingShare).map(([c, share]) => (
                    <tr key={c}>
                      <td>{c}</td>
                      <td>{pct(share)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          </div>
        </>
      )}
      <section className="card" aria-labelledby="holidays">
        <h2 id="holidays">Holiday calendar</h2>
        <p data-testid="holiday-calendar">
          <strong>{calendar.spec.name}</strong> ({calendar.reason}): {calendar.spec.fixed.length} fixed dates a year,{' '}
          {calendar.spec.rules.length} floating holidays, {calendar.spec.dates.length} one-off dates
          {p?.dateRange ? `; ${holidays.length} holiday days in the data's date range` : ''}. Features use it for holiday flags and the days to and from the nearest holiday.
        </p>
        {canImport && (
          <ActionForm action={setHolidaysAction} submitLabel="Set calendar" className="form-grid" testId="holiday-form" revision={`${calendar.custom}:${calendar.spec.name}:${calendar.spec.dates.length}`}>
            <label>
              Start from
              <select name="base" defaultValue={calendar.base}>
                {Object.keys(BASE_CALENDARS).map((b) => (
                  <option key={b} value={b}>
                    {b}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Add dates from a CSV (date[,name], dates written like your data&apos;s or YYYY-MM-DD)
              <input type="file" name="file" accept=".csv,text/csv" />
            </label>
          </ActionForm>
        )}
      </section>
    </>
  );
}

/** "Import of a.csv, b.csv by x" (an upload cut off before its files were read names none). */
function importLabel(files: unknown, by: string): string {
  const names = Array.isArray(files) ? files.filter((f): f is string => typeof f === 'string') : [];
  return names.length > 0 ? `Import of ${names.join(', ')} by ${by}` : `Import by ${by}`;
}
