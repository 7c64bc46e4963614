/**
 * The champion / challenger rule of auto-retraining (docs/monitoring.md): promote only when the challenger's
 * WAPE is lower by at least `margin` (relative), and no large segment (store, category with at
 * least `largeSegmentShare` of sales) gets worse by more than `segmentTolerance` (relative).
 * Both are measured on the same latest hold-out.
 */
export interface SegmentScore {
  level: string;
  segment: string;
  wape: number | null;
  /** Share of the hold-out's sales. */
  share: number;
}

export interface Scorecard {
  wape: number;
  segments: readonly SegmentScore[];
}

export interface PromotionPolicy {
  margin: number;
  segmentTolerance: number;
  largeSegmentShare: number;
}

export const DEFAULT_PROMOTION_POLICY: Readonly<PromotionPolicy> = Object.freeze({ margin: 0.01, segmentTolerance: 0.05, largeSegmentShare: 0.05 });

export interface PromotionDecision {
  promote: boolean;
  reason: string;
  regressions: { level: string; segment: string; champion: number; challenger: number; share: number }[];
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/** @throws RangeError on a policy value outside [0, 1). */
export function decidePromotion(champion: Scorecard | null, challenger: Scorecard, policy: Partial<PromotionPolicy> = {}): PromotionDecision {
  const p = { ...DEFAULT_PROMOTION_POLICY, ...policy };
  for (const [k, v] of Object.entries(p)) if (!(v >= 0 && v < 1)) throw new RangeError(`${k} must be in [0, 1), got ${v}`);
  if (!Number.isFinite(challenger.wape)) return { promote: false, reason: 'The challenger has no valid hold-out WAPE.', regressions: [] };
  if (!champion) return { promote: true, reason: 'No champion in production: the challenger is promoted.', regressions: [] };
  const needed = champion.wape * (1 - p.margin);
  if (!(challenger.wape <= needed)) {
    return {
      promote: false,
      reason: `Challenger WAPE ${pct(challenger.wape)} is not at least ${pct(p.margin)} better than the champion's ${pct(champion.wape)} (needed ${pct(needed)} or lower).`,
      regressions: [],
    };
  }
  const championBy = new Map(champion.segments.map((s) => [`${s.level}\u0000${s.segment}`, s]));
  const regressions: PromotionDecision['regressions'] = [];
  for (const s of challenger.segments) {
    const c = championBy.get(`${s.level}\u0000${s.segment}`);
    const share = Math.max(s.share, c?.share ?? 0);
    if (!c || c.wape === null || s.wape === null || share < p.largeSegmentShare) continue;
    if (s.wape > c.wape * (1 + p.segmentTolerance)) regressions.push({ level: s.level, segment: s.segment, champion: c.wape, challenger: s.wape, share });
  }
  if (regressions.length > 0) {
    const worst = regressions.sort((a, b) => b.challenger / b.champion - a.challenger / a.champion)[0];
    return {
      promote: false,
      reason: `Better overall (${pct(challenger.wape)} vs ${pct(champion.wape)}), but ${regressions.length} large segment${regressions.length === 1 ? '' : 's'} got worse by more than ${pct(p.segmentTolerance)}: ${worst.level} ${worst.segment} (${pct(worst.share)} of sales) went from ${pct(worst.champion)} to ${pct(worst.challenger)}.`,
      regressions,
    };
  }
  return { promote: true, reason: `Challenger WAPE ${pct(challenger.wape)} beats the champion's ${pct(champion.wape)} by more than ${pct(p.margin)}, with no large segment worse.`, regressions: [] };
}
