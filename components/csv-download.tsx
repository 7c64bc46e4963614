'use client';

import { toCsv } from '@/lib/csv';

/** Downloads a table the page already shows as CSV (spreadsheet formulas escaped). */
export function CsvDownload({ header, rows, filename, label = 'Export CSV' }: { header: string[]; rows: (string | number | null)[][]; filename: string; label?: string }) {
  return (
    <button
      type="button"
      className="secondary"
      onClick={() => {
        const blob = new Blob([toCsv(header, rows)], { type: 'text/csv;charset=utf-8' });
        const url = URL.createObjectURL(blob);
        const a = document.createElement('a');
        a.href = url;
        a.download = filename;
        a.click();
        URL.revokeObjectURL(url);
      }}
    >
      {label}
    </button>
  );
}
