import { describe, it, expect } from 'vitest';
import { decidePromotion, type Scorecard } from '@/ml/monitoring/promotion';

const card = (wape: number, stores: [string, number, number][]): Scorecard => ({ wape, segments: stores.map(([segment, w, share]) => ({ level: 'store', segment, wape: w, share })) });

describe('champion / challenger rule', () => {
  const champion = card(0.3, [['1', 0.3, 0.6], ['2', 0.3, 0.38], ['3', 0.3, 0.02]]);

  it('promotes a challenger better overall with no large store worse', () => {
    const d = decidePromotion(champion, card(0.25, [['1', 0.25, 0.6], ['2', 0.29, 0.38], ['3', 0.5, 0.02]]));
    expect(d.promote).toBe(true);
  });

  it('keeps a challenger that is worse, or better by less than the margin, and says why', () => {
    expect(decidePromotion(champion, card(0.31, [])).promote).toBe(false);
    const close = decidePromotion(champion, card(0.299, []));
    expect(close.promote).toBe(false);
    expect(close.reason).toMatch(/not at least 1\.00% better/);
  });

  it('keeps a challenger better overall but worse on a large store, naming the store', () => {
    const d = decidePromotion(champion, card(0.25, [['1', 0.2, 0.6], ['2', 0.34, 0.38], ['3', 0.3, 0.02]]));
    expect(d.promote).toBe(false);
    expect(d.reason).toMatch(/store 2/);
    expect(d.regressions).toHaveLength(1);
  });

  it('promotes the first model when there is no champion, and rejects bad policies', () => {
    expect(decidePromotion(null, card(0.4, [])).promote).toBe(true);
    expect(() => decidePromotion(champion, card(0.2, []), { margin: 2 })).toThrow(RangeError);
  });
});
