import { describe, expect, it } from 'vitest';
import { gridSearch, gridTrials, pickBest, randomSearch, randomTrials, type TrialResult } from '@/ml/tuning';

describe('tuning', () => {
  it('enumerates a grid in declared order', () => {
    expect(gridTrials({ a: [1, 2], b: ['x', 'y'] })).toEqual([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 2, b: 'x' },
      { a: 2, b: 'y' },
    ]);
    expect(() => gridTrials({ a: [] })).toThrow(RangeError);
  });

  it('draws reproducible random trials inside the declared ranges', () => {
    const space = {
      lr: { type: 'logUniform', min: 0.01, max: 0.3 },
      depth: { type: 'int', min: 3, max: 8 },
      loss: { type: 'choice', values: ['squared', 'poisson'] },
    } as const;
    const a = randomTrials(space, 20, 1);
    expect(randomTrials(space, 20, 1)).toEqual(a);
    for (const t of a) {
      expect(t.lr as number).toBeGreaterThanOrEqual(0.01);
      expect(t.lr as number).toBeLessThanOrEqual(0.3);
      expect(Number.isInteger(t.depth)).toBe(true);
      expect(t.depth as number).toBeGreaterThanOrEqual(3);
      expect(t.depth as number).toBeLessThanOrEqual(8);
    }
  });

  it('reports every trial and progress, and picks the lowest WAPE', async () => {
    const progress: [number, number][] = [];
    const seen: TrialResult[] = [];
    const res = await gridSearch({ depth: [2, 4, 6] }, (p) => ({ wape: Math.abs((p.depth as number) - 4) / 10, complexity: p.depth as number }), {
      onProgress: (d, t) => progress.push([d, t]),
      onTrial: (t) => seen.push(t),
    });
    expect(progress).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(seen).toHaveLength(3);
    expect(res.best?.params).toEqual({ depth: 4 });
    expect(res.cancelled).toBe(false);
  });

  it('breaks ties by lower complexity, then the earlier trial; failed trials are never best', async () => {
    const res = await gridSearch({ trees: [300, 100, 200, 100] }, (p) => ({ wape: 0.2, complexity: p.trees as number }));
    expect(res.best?.index).toBe(1);
    const withFailure = await gridSearch({ k: [1, 2] }, (p) => {
      if (p.k === 1) throw new Error('boom');
      return { wape: 0.5 };
    });
    expect(withFailure.trials[0].status).toBe('failed');
    expect(withFailure.trials[0].error).toBe('boom');
    expect(withFailure.best?.index).toBe(1);
    expect(pickBest([])).toBeNull();
  });

  it('stops when cancelled', async () => {
    const ctrl = new AbortController();
    const res = await randomSearch({ x: { type: 'uniform', min: 0, max: 1 } }, 10, 3, ({ x }) => {
      return { wape: x as number };
    }, {
      signal: ctrl.signal,
      onTrial: (t) => {
        if (t.index === 2) ctrl.abort();
      },
    });
    expect(res.cancelled).toBe(true);
    expect(res.trials).toHaveLength(3);
  });
});
