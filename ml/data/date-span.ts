/**
 * The span of the bulk of a set of observation dates, robust to the outliers it is used to find:
 * one row dated 9999-12-31 (or 1023-05-01) among two years of data must not stretch a dense daily
 * grid over millions of periods.
 *
 * The distinct days are sorted and split into clusters wherever two neighbours are more than
 * `maxGap` days apart. The bulk is the cluster holding the median row (rows weighted), together
 * with any other cluster holding at least a quarter of the rows (real data around a long hole);
 * its span runs from the first kept cluster's first day to the last kept cluster's last day. A
 * date outside the span is therefore more than `maxGap` days from every date of the bulk.
 * `known` adds a block already accepted (a tenant's stored data: its first and last day and its
 * row count), so a small file is judged against the data it joins rather than only against itself.
 */

/** A block of days already accepted, with the number of rows it stands for. */
export interface KnownSpan {
  first: number;
  last: number;
  rows: number;
}

/** Share of all rows from which a cluster away from the median one still counts as real data. */
const OWN_BULK_SHARE = 0.25;

/**
 * First and last day of the bulk of `columns` (day numbers, NaN skipped) and `known`, or null
 * when there is no day at all.
 * @throws RangeError when maxGap is not a positive integer.
 */
export function bulkDateSpan(columns: readonly ArrayLike<number>[], maxGap: number, known?: KnownSpan): { first: number; last: number } | null {
  if (!Number.isInteger(maxGap) || maxGap < 1) throw new RangeError(`maxGap must be a positive integer, got ${maxGap}`);
  const counts = new Map<number, number>();
  for (const col of columns) {
    for (let i = 0; i < col.length; i++) {
      const d = col[i];
      if (d === d) counts.set(d, (counts.get(d) ?? 0) + 1);
    }
  }
  const items: { first: number; last: number; rows: number }[] = [...counts].map(([d, n]) => ({ first: d, last: d, rows: n }));
  if (known && known.last >= known.first) items.push({ first: known.first, last: known.last, rows: Math.max(1, known.rows) });
  if (items.length === 0) return null;
  items.sort((a, b) => a.first - b.first);
  const clusters: { first: number; last: number; rows: number }[] = [];
  for (const it of items) {
    const c = clusters[clusters.length - 1];
    if (c && it.first - c.last <= maxGap) {
      c.last = Math.max(c.last, it.last);
      c.rows += it.rows;
    } else clusters.push({ ...it });
  }
  const total = clusters.reduce((s, c) => s + c.rows, 0);
  let median = 0;
  for (let seen = 0; median < clusters.length; median++) {
    seen += clusters[median].rows;
    if (seen * 2 >= total) break;
  }
  const kept = clusters.filter((c, i) => i === median || c.rows >= OWN_BULK_SHARE * total);
  return { first: kept[0].first, last: kept[kept.length - 1].last };
}
