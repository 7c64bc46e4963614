/**
 * Distribution drift between a reference sample (the training window) and a current sample (newly
 * arrived days), per feature and on the target (docs/monitoring.md).
 */

export interface PsiResult {
  psi: number;
  /** 'stable' under 0.1, 'moderate' from 0.1 to 0.25, 'significant' above 0.25 (the usual bands). */
  band: 'stable' | 'moderate' | 'significant';
  bins: { edge: number; expected: number; actual: number }[];
}

export const PSI_MODERATE = 0.1;
export const PSI_SIGNIFICANT = 0.25;

function finiteSorted(values: ArrayLike<number>): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) n++;
  const out = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) out[j++] = values[i];
  return out.sort();
}

export function psiBand(psi: number): PsiResult['band'] {
  return psi > PSI_SIGNIFICANT ? 'significant' : psi >= PSI_MODERATE ? 'moderate' : 'stable';
}

/**
 * Population stability index: sum over bins of (a - e) ln(a / e), with bins at the reference's
 * quantiles (deciles by default; fewer when the feature has fewer distinct values) and a floor of
 * 1e-4 on shares so empty bins stay finite. Missing values are ignored.
 * @throws RangeError when either sample has no finite value.
 */
export function populationStabilityIndex(reference: ArrayLike<number>, current: ArrayLike<number>, bins = 10): PsiResult {
  const ref = finiteSorted(reference);
  const cur = finiteSorted(current);
  if (ref.length === 0 || cur.length === 0) throw new RangeError('PSI needs finite values in both samples');
  // Bin edges at reference quantiles, moved half-way down to the next smaller distinct value: a
  // tied value (a price many rows share) then sits inside a bin, not on its edge, so a small move
  // of that value does not flip its whole mass into the next bin.
  const edges: number[] = [];
  for (let b = 1; b < bins; b++) {
    const idx = Math.min(ref.length - 1, Math.floor((b * ref.length) / bins));
    const q = ref[idx];
    let k = idx;
    while (k > 0 && ref[k - 1] === q) k--;
    if (k === 0) continue; // q is the minimum: no edge below it
    const e = (q + ref[k - 1]) / 2;
    if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
  }
  const countBelow = (sorted: Float64Array, edge: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < edge) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const out: PsiResult['bins'] = [];
  let psi = 0;
  let prevRef = 0;
  let prevCur = 0;
  for (let b = 0; b <= edges.length; b++) {
    const edge = b < edges.length ? edges[b] : Infinity;
    const r = b < edges.length ? countBelow(ref, edge) : ref.length;
    const c = b < edges.length ? countBelow(cur, edge) : cur.length;
    const e = Math.max(1e-4, (r - prevRef) / ref.length);
    const a = Math.max(1e-4, (c - prevCur) / cur.length);
    psi += (a - e) * Math.log(a / e);
    out.push({ edge, expected: e, actual: a });
    prevRef = r;
    prevCur = c;
  }
  return { psi, band: psiBand(psi), bins: out };
}

/**
 * Two-sample Kolmogorov-Smirnov test: D = max |F_ref - F_cur|, p-value from the asymptotic
 * Kolmogorov distribution with the effective size n m / (n + m) (Stephens' correction).
 */
export function ksTest(reference: ArrayLike<number>, current: ArrayLike<number>): { statistic: number; pValue: number } {
  const a = finiteSorted(reference);
  const b = finiteSorted(current);
  if (a.length === 0 || b.length === 0) throw new RangeError('the KS test needs finite values in both samples');
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < a.length && j < b.length) {
    const x = Math.min(a[i], b[j]);
    while (i < a.length && a[i] <= x) i++;
    while (j < b.length && b[j] <= x) j++;
    d = Math.max(d, Math.abs(i / a.length - j / b.length));
  }
  const ne = (a.length * b.length) / (a.length + b.length);
  const lambda = (Math.sqrt(ne) + 0.12 + 0.11 / Math.sqrt(ne)) * d;
  // Q_KS(lambda) = 2 sum_{k>=1} (-1)^{k-1} exp(-2 k^2 lambda^2)
  let p = 0;
  if (lambda < 1e-3) p = 1;
  else {
    for (let k = 1; k <= 100; k++) {
      const term = 2 * (k % 2 === 1 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
      p += term;
      if (Math.abs(term) < 1e-12) break;
    }
  }
  return { statistic: d, pValue: Math.min(1, Math.max(0, p)) };
}
