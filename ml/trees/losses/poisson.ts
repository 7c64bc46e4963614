/**
 * Poisson deviance on the log link, for counts: F = log mu, g = exp(F) - y, h = exp(F) (never an
 * integer, so the packed histograms hold it quantised, histogram.ts packGradients; leaf values
 * use the exact sums); predictions are exp(F). Raw leaf
 * values are clipped to 0.7 unless maxDeltaStep says otherwise (as XGBoost, which keeps the
 * first rounds from overshooting where mu is small). Early stopping watches the mean deviance.
 */
import { targetMean, type BoostingLoss } from './loss';

export const PoissonLoss: BoostingLoss = Object.freeze({
  name: 'poisson',
  constantHessian: false,
  defaultMaxDeltaStep: 0.7,
  checkBaseScore(baseScore: number): void {
    if (!(baseScore > 0)) throw new RangeError(`option baseScore must be > 0 for poisson loss, got ${baseScore}`);
  },
  init(y: Float64Array, baseScore: number | null): number {
    const mean = targetMean(y, (v, i) => {
      if (v < 0) throw new RangeError(`y[${i}] is ${v}; poisson loss needs non-negative targets`);
    });
    const base = baseScore ?? mean;
    if (!(base > 0)) throw new RangeError('poisson loss needs a positive mean target');
    return Math.log(base);
  },
  gradHess(raw: Float64Array, y: Float64Array, grad: Float64Array, hess: Float64Array): void {
    for (let i = 0; i < y.length; i++) {
      const mu = Math.exp(raw[i]);
      grad[i] = mu - y[i];
      hess[i] = mu;
    }
  },
  inverseLink(raw: number): number {
    return Math.exp(raw);
  },
  inverseLinkInPlace(raw: Float64Array): void {
    for (let i = 0; i < raw.length; i++) raw[i] = Math.exp(raw[i]);
  },
  validationLoss(raw: Float64Array, y: Float64Array): number {
    let s = 0;
    for (let i = 0; i < y.length; i++) {
      const mu = Math.exp(raw[i]);
      s += 2 * ((y[i] > 0 ? y[i] * Math.log(y[i] / mu) : 0) - (y[i] - mu));
    }
    return s / y.length;
  },
});
