import type { ValidationReport } from '@/lib/schemas/ingest';

/** Errors by file, line and column (first 100 and the total), then the repairs made. */
export function ValidationReportView({ report }: { report: ValidationReport }) {
  return (
    <div data-testid="validation-report">
      {report.errorCount > 0 ? (
        <p className="alert error">
          {report.errorCount.toLocaleString('en')} error{report.errorCount === 1 ? '' : 's'}: nothing was imported.
          {report.errorCount > report.errors.length && ` The first ${report.errors.length} are listed.`}
        </p>
      ) : (
        <p className="alert success">No errors.</p>
      )}
      {report.errors.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>File</th>
                <th>Line</th>
                <th>Column</th>
                <th>What is wrong</th>
              </tr>
            </thead>
            <tbody>
              {report.errors.map((e, i) => (
                <tr key={i}>
                  <td>{e.file}</td>
                  <td>{e.line ?? '—'}</td>
                  <td>{e.column ?? '—'}</td>
                  <td>{e.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {report.warningCount > 0 && (
        <details>
          <summary>
            {report.warningCount.toLocaleString('en')} repair{report.warningCount === 1 ? '' : 's'} made (warnings)
          </summary>
          <ul>
            {report.warnings.map((w, i) => (
              <li key={i}>
                {w.file}
                {w.line !== null ? `:${w.line}` : ''}
                {w.column ? ` [${w.column}]` : ''}: {w.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
