/**
 * A baseline over a feature table that predicts one column the feature pipeline built (a lag, a
 * trailing mean), with the training mean of y where that column is NaN: seasonal naive and the
 * moving average evaluated beside the other models on the same rows. Each is this class with its
 * SPEC (kind, the option naming the column) and its defaults.
 */
import { z } from 'zod';
import { checkFitInput, checkInteger, mergeOptions, notFitted, parseEnvelope, type ModelJSON, type Regressor } from '../contract';
import type { FeatureMatrix } from '../matrix';

/** What distinguishes one column baseline from another. */
export interface ColumnBaselineSpec {
  /** The kind its JSON carries. */
  readonly kind: string;
  /** The option naming the column. */
  readonly column: string;
  /** How an error names the baseline ("the seasonal naive baseline"). */
  readonly label: string;
}

/** A column baseline's options: the column named by option K, and the seed. */
export type ColumnBaselineOptions<K extends string> = { [k in K]: string } & { seed: number };

const SCHEMA_VERSION = 1;
const paramsSchema = z.object({ fallback: z.number() });

export class ColumnBaseline<O extends { seed: number }> implements Regressor {
  readonly options: Readonly<O>;
  private fallback: number | null = null;

  /** @throws RangeError naming the first invalid option. */
  constructor(
    private readonly spec: ColumnBaselineSpec,
    defaults: Readonly<O>,
    options?: Partial<O>,
  ) {
    const merged = mergeOptions(defaults, options);
    const column: unknown = (merged as Record<string, unknown>)[spec.column];
    if (typeof column !== 'string' || column.length === 0) throw new RangeError(`option ${spec.column} must be a column name, got ${String(column)}`);
    checkInteger('seed', merged.seed, -(2 ** 31), 2 ** 32 - 1);
    this.options = Object.freeze(merged);
  }

  /** Learns only the fallback (mean of y). @throws RangeError when X lacks the column. */
  fit(X: FeatureMatrix, y: Float64Array): this {
    checkFitInput(X, y);
    this.columnOf(X);
    let mean = 0;
    for (let i = 0; i < y.length; i++) mean += (y[i] - mean) / (i + 1);
    this.fallback = mean;
    return this;
  }

  predict(X: FeatureMatrix): Float64Array {
    const fallback = this.fallback ?? notFitted(this.spec.kind);
    const c = this.columnOf(X);
    const out = X.values.slice(c * X.rows, (c + 1) * X.rows);
    for (let i = 0; i < out.length; i++) if (Number.isNaN(out[i])) out[i] = fallback;
    return out;
  }

  private columnOf(X: FeatureMatrix): number {
    const name = String((this.options as Record<string, unknown>)[this.spec.column]);
    const c = X.names.indexOf(name);
    if (c < 0) throw new RangeError(`X has no column ${name} for ${this.spec.label}`);
    return c;
  }

  toJSON(): ModelJSON<O, { fallback: number }> {
    const fallback = this.fallback ?? notFitted(this.spec.kind);
    return { kind: this.spec.kind, schemaVersion: SCHEMA_VERSION, options: { ...this.options }, seed: this.options.seed, params: { fallback } };
  }

  /**
   * The baseline of the calling class (its SPEC names the kind) from its JSON.
   * @throws Error when kind or schemaVersion differ or the params are malformed.
   */
  static fromJSON<B extends ColumnBaseline<{ seed: number }>>(this: ColumnBaselineClass<B>, json: unknown): B {
    const env = parseEnvelope(json, this.SPEC.kind, SCHEMA_VERSION, paramsSchema);
    const model = new this(env.options as never);
    model.fallback = env.params.fallback;
    return model;
  }
}

/** A concrete column baseline class: made from options, with its SPEC. */
interface ColumnBaselineClass<B> {
  new (options?: never): B;
  readonly SPEC: ColumnBaselineSpec;
}
