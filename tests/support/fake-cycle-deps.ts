import type { CycleDeps } from '@/lib/retraining/cycle';
import type { Challenger } from '@/lib/training/challenger';
import type { Scorecard } from '@/ml/monitoring/promotion';

/** Deterministic stand-ins for training, to test the cycle's rule and safety without training. */
export function fakeDeps(challenger: Partial<Challenger> & { wape: number; stores?: [string, number, number][] }, champion: Scorecard | null, delayMs = 0): CycleDeps {
  return {
    async train(_tenantId, _options, progress) {
      progress(0, 1, 'training');
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      return {
        algorithm: 'gbm',
        params: { trees: 10 },
        metrics: { wape: challenger.wape },
        baselineMetrics: { wape: 0.5 },
        segments: (challenger.stores ?? []).map(([segment, wape, share]) => ({ level: 'store', segment, wape, share })),
        featureNames: ['lag_7'],
        datasetFingerprint: 'fp',
        trainingWindow: { from: '2022-01-01', to: '2023-12-01' },
        holdout: { from: '2023-12-02', to: '2023-12-31' },
        artifact: { fake: true },
        durationMs: 1,
      };
    },
    async scoreChampion() {
      return champion;
    },
  };
}
