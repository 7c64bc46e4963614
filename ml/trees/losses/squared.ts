/**
 * Squared error, L = (F - y)^2 / 2 on the identity link: g = F - y, h = 1. Early stopping
 * watches the validation RMSE.
 */
import { targetMean, type BoostingLoss } from './loss';

export const SquaredLoss: BoostingLoss = Object.freeze({
  name: 'squared',
  constantHessian: true,
  defaultMaxDeltaStep: 0,
  checkBaseScore(): void {},
  init(y: Float64Array, baseScore: number | null): number {
    const mean = targetMean(y);
    return baseScore ?? mean;
  },
  gradHess(raw: Float64Array, y: Float64Array, grad: Float64Array): void {
    for (let i = 0; i < y.length; i++) grad[i] = raw[i] - y[i];
  },
  inverseLink(raw: number): number {
    return raw;
  },
  inverseLinkInPlace(): void {},
  validationLoss(raw: Float64Array, y: Float64Array): number {
    let s = 0;
    for (let i = 0; i < y.length; i++) s += (raw[i] - y[i]) ** 2;
    return Math.sqrt(s / y.length);
  },
});
