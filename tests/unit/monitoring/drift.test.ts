import { describe, it, expect } from 'vitest';
import { createRandom } from '@/ml/random';
import { ksTest, populationStabilityIndex } from '@/ml/monitoring/drift';

const sample = (n: number, mean: number, sd: number, seed: number) => {
  const rng = createRandom(seed);
  return Float64Array.from({ length: n }, () => mean + sd * rng.normal());
};

describe('drift statistics', () => {
  it('PSI stays under 0.1 for the same distribution and goes over 0.25 for a shifted one', () => {
    const ref = sample(5000, 10, 2, 1);
    expect(populationStabilityIndex(ref, sample(2000, 10, 2, 2)).band).toBe('stable');
    const shifted = populationStabilityIndex(ref, sample(2000, 12, 2, 3));
    expect(shifted.psi).toBeGreaterThan(0.25);
    expect(shifted.band).toBe('significant');
  });

  it('PSI works on a discrete feature (a 0/1 promotion flag)', () => {
    const ref = Float64Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? 1 : 0));
    const same = Float64Array.from({ length: 500 }, (_, i) => (i % 10 === 0 ? 1 : 0));
    const more = Float64Array.from({ length: 500 }, (_, i) => (i % 2 === 0 ? 1 : 0));
    expect(populationStabilityIndex(ref, same).psi).toBeLessThan(0.01);
    expect(populationStabilityIndex(ref, more).psi).toBeGreaterThan(0.25);
  });

  it('the KS test finds a shift and not a resample', () => {
    const ref = sample(3000, 0, 1, 4);
    expect(ksTest(ref, sample(1000, 0, 1, 5)).pValue).toBeGreaterThan(0.01);
    const shifted = ksTest(ref, sample(1000, 0.5, 1, 6));
    expect(shifted.pValue).toBeLessThan(1e-6);
    expect(shifted.statistic).toBeGreaterThan(0.15);
  });

  it('rejects empty samples', () => {
    expect(() => populationStabilityIndex([NaN], [1])).toThrow(RangeError);
    expect(() => ksTest([], [1])).toThrow(RangeError);
  });
});
