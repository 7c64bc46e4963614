/** The boosting losses by the name a model's options (and JSON) carry. */
import type { BoostingLoss } from './loss';
import { PoissonLoss } from './poisson';
import { SquaredLoss } from './squared';

export type { BoostingLoss } from './loss';
export { PoissonLoss } from './poisson';
export { SquaredLoss } from './squared';

export const BOOSTING_LOSSES = Object.freeze({
  squared: SquaredLoss,
  poisson: PoissonLoss,
} satisfies Record<string, BoostingLoss>);

export type BoostingLossName = keyof typeof BOOSTING_LOSSES;

export const BOOSTING_LOSS_NAMES = Object.freeze(Object.keys(BOOSTING_LOSSES)) as readonly BoostingLossName[];
