/** Number formats shared by the pages and the PDF reports, so both print the same figures. */
export const formatInteger = (x: number) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: 0 }) : '—');
export const formatPercent = (x: number | null | undefined, digits = 1) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(digits)}%`);
export function formatChange(current: number, base: number, periods: number): string {
  if (!periods || !(base > 0)) return 'no data';
  const c = current / base - 1;
  return `${c >= 0 ? '+' : ''}${(c * 100).toFixed(1)}%`;
}
/** A relative change as a signed percentage (+4.2%, -1.0%); a dash when there is none. */
export const formatSignedPercent = (x: number | null | undefined, digits = 1) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(digits)}%`);
