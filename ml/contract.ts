/**
 * The model contract shared by every model in `ml/` (CONVENTIONS, "Numeric code in ml/"):
 * options merged over frozen defaults and validated (RangeError naming the option and value),
 * `fit` / `predict` over a FeatureMatrix, a seed, and a versioned JSON envelope.
 */
import { z } from 'zod';
import type { FeatureMatrix } from './matrix';

/** What every regressor in `ml/` offers. */
export interface Regressor {
  fit(X: FeatureMatrix, y: Float64Array): this;
  predict(X: FeatureMatrix): Float64Array;
  toJSON(): ModelJSON;
}

/** The serialised form of every model: `{ kind, schemaVersion, options, seed, params }`. */
export interface ModelJSON<O extends object = object, P = unknown> {
  kind: string;
  schemaVersion: number;
  options: O;
  seed: number;
  params: P;
}

/** @throws RangeError unless `value` is an integer in [min, max]. */
export function checkInteger(name: string, value: unknown, min: number, max = Number.POSITIVE_INFINITY): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`option ${name} must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

/**
 * @throws RangeError unless `value` is a finite number in the range; `exclusiveMin` makes the
 * lower bound strict.
 */
export function checkNumber(
  name: string,
  value: unknown,
  min: number,
  max = Number.POSITIVE_INFINITY,
  exclusiveMin = false,
): number {
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    (exclusiveMin ? value > min : value >= min) &&
    value <= max &&
    (Number.isFinite(value) || value === max);
  if (!ok) {
    throw new RangeError(`option ${name} must be a number in ${exclusiveMin ? '(' : '['}${min}, ${max}], got ${String(value)}`);
  }
  return value as number;
}

/** @throws RangeError unless `value` is one of `allowed`. */
export function checkOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new RangeError(`option ${name} must be one of ${allowed.join(', ')}, got ${String(value)}`);
  }
  return value as T;
}

/** @throws RangeError unless `value` is a boolean. */
export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new RangeError(`option ${name} must be a boolean, got ${String(value)}`);
  return value;
}

/**
 * Merges user options over frozen defaults, rejecting unknown option names so a typo is not
 * silently ignored.
 * @throws RangeError on an unknown option name.
 */
export function mergeOptions<O extends object>(defaults: Readonly<O>, options: Partial<O> | undefined): O {
  const merged = { ...defaults } as O;
  if (options === undefined) return merged;
  for (const key of Object.keys(options)) {
    if (!Object.prototype.hasOwnProperty.call(defaults, key)) throw new RangeError(`unknown option ${key}`);
    const v = (options as Record<string, unknown>)[key];
    if (v !== undefined) (merged as Record<string, unknown>)[key] = v;
  }
  return merged;
}

/**
 * Validates the fit inputs shared by every regressor.
 * @throws RangeError when X is empty, sizes disagree or y holds a non-finite value.
 */
export function checkFitInput(X: FeatureMatrix, y: Float64Array): void {
  if (X.rows === 0) throw new RangeError('cannot fit on an empty matrix (0 rows)');
  if (X.cols === 0) throw new RangeError('cannot fit on a matrix with no columns');
  if (y.length !== X.rows) throw new RangeError(`y has length ${y.length}, expected ${X.rows} (rows of X)`);
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i])) throw new RangeError(`y[${i}] is ${y[i]}; targets must be finite`);
  }
}

/** @throws RangeError when X does not have the number of columns the model was fitted on. */
export function checkPredictInput(X: FeatureMatrix, expectedCols: number): void {
  if (X.cols !== expectedCols) throw new RangeError(`X has ${X.cols} columns, the model was fitted on ${expectedCols}`);
}

/** @throws Error when the model is used before fit. */
export function notFitted(kind: string): never {
  throw new Error(`${kind} is not fitted: call fit() first`);
}

/**
 * Parses the JSON envelope of a model, checking kind and schema version.
 * @throws Error when the kind or schema version differ, or the shape is wrong.
 */
export function parseEnvelope<P extends z.ZodType>(
  json: unknown,
  kind: string,
  schemaVersion: number,
  params: P,
): { options: Record<string, unknown>; seed: number; params: z.infer<P> } {
  const head = z.object({ kind: z.string(), schemaVersion: z.number() }).safeParse(json);
  if (!head.success) throw new Error(`not a model JSON: ${head.error.message}`);
  if (head.data.kind !== kind) throw new Error(`expected a model of kind ${kind}, got ${head.data.kind}`);
  if (head.data.schemaVersion !== schemaVersion) {
    throw new Error(`${kind} schemaVersion ${head.data.schemaVersion} is not supported (expected ${schemaVersion})`);
  }
  const full = z
    .object({
      kind: z.literal(kind),
      schemaVersion: z.literal(schemaVersion),
      options: z.record(z.string(), z.unknown()),
      seed: z.number(),
      params: z.unknown(),
    })
    .safeParse(json);
  if (!full.success) throw new Error(`invalid ${kind} JSON: ${full.error.message}`);
  const parsed = params.safeParse(full.data.params);
  if (!parsed.success) throw new Error(`invalid ${kind} params: ${parsed.error.message}`);
  return { options: full.data.options, seed: full.data.seed, params: parsed.data as z.infer<P> };
}
