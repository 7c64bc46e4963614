/**
 * CSV export with spreadsheet-formula escaping (docs/serving.md, docs/security.md): a cell starting with = + - @ tab or CR
 * is prefixed with a quote so Excel or Sheets shows it as text instead of running it (plain numbers
 * and percentages such as -5 and -3.4% are left alone).
 */
export function escapeCsvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  // A number or a percentage (-3.4%) is data, not a formula: spreadsheets read both as numbers.
  const plainNumber = typeof value === 'number' || /^[-+]?\d+(\.\d+)?(e[-+]?\d+)?%?$/i.test(text);
  if (!plainNumber && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  if (/[",\n\r]/.test(text)) text = `"${text.replace(/"/g, '""')}"`;
  return text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const lines = [header.map(escapeCsvCell).join(',')];
  for (const row of rows) lines.push(row.map(escapeCsvCell).join(','));
  return lines.join('\r\n') + '\r\n';
}
