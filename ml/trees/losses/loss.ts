/**
 * The loss a gradient-boosted model minimises, as an object (scikit-learn's
 * `_hist_gradient_boosting` losses): the booster asks it for the starting score, each round's
 * gradients and hessians, the validation figure early stopping watches, and the map from raw
 * scores to predictions, with no branch on which loss it is. A new loss is one file beside
 * squared.ts and poisson.ts plus its line in index.ts; the model's options keep only its name,
 * so serialised models name their loss and load with it.
 */

export interface BoostingLoss {
  /** The name options and model JSON carry. */
  readonly name: string;
  /**
   * True when every hessian is 1: gradHess then writes only the gradients and the caller fills
   * the hessians once (integer hessians also let the grower pack its histograms).
   */
  readonly constantHessian: boolean;
  /** Clip on raw leaf values when the maxDeltaStep option is null (0 = none). */
  readonly defaultMaxDeltaStep: number;
  /** @throws RangeError when the baseScore option (target units) is not valid for this loss. */
  checkBaseScore(baseScore: number): void;
  /**
   * The starting raw score: the link of `baseScore`, or of the mean of y when it is null.
   * @throws RangeError on a target the loss cannot fit (naming the row).
   */
  init(y: Float64Array, baseScore: number | null): number;
  /** grad[i], hess[i] of the loss at raw score raw[i] and target y[i] (hess untouched when constantHessian). */
  gradHess(raw: Float64Array, y: Float64Array, grad: Float64Array, hess: Float64Array): void;
  /** A prediction in target units from one raw score. */
  inverseLink(raw: number): number;
  /** inverseLink applied to every entry of `raw`, in place. */
  inverseLinkInPlace(raw: Float64Array): void;
  /** The figure early stopping minimises on the validation window (lower is better). */
  validationLoss(raw: Float64Array, y: Float64Array): number;
}

/**
 * Running mean of y (Welford's update, as every loss's init uses), checking each value first
 * with `check` when given.
 */
export function targetMean(y: Float64Array, check?: (value: number, row: number) => void): number {
  let mean = 0;
  for (let i = 0; i < y.length; i++) {
    if (check !== undefined) check(y[i], i);
    mean += (y[i] - mean) / (i + 1);
  }
  return mean;
}
