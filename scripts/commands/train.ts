/**
 * CLI commands `train`, `evaluate` and `retrain` (docs/architecture.md, docs/training.md, docs/monitoring.md): options parsed with node:util and
 * validated with zod, a progress bar on stderr, then a summary table (train, retrain) or one JSON
 * object (evaluate --json) on stdout. `train` registers the best model as a new version (the
 * first one in production, later ones in staging); `evaluate` writes nothing; `retrain` runs the
 * auto-retraining cycle (promotes only by the champion / challenger rule), for cron.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { progressBar } from '@/lib/cli/progress';
import { tenantIdSchema } from '@/lib/schemas/tenant';
import { ALGORITHMS, trainTenant, type ModelMetrics, type TrainingRun } from '@/lib/training';
import { trainAndRegister } from '@/lib/training/register';
import { runRetrainCycle } from '@/lib/retraining/cycle';
import { trainingDeps } from '@/lib/retraining/deps';
import type { TreeKernels } from '@/ml/trees/kernels';
import { findTenant } from '@/lib/tenants';
import type { AuditActor } from '@/lib/audit';

/** The CLI acts as itself in the audit log and the registry. */
export const CLI_ACTOR: AuditActor = { type: 'system', id: 'cli', label: 'cli' };

async function requireTenant(tenantId: string): Promise<void> {
  if (!(await findTenant(tenantId))) throw new CommandUsageError(`--tenant: no tenant "${tenantId}" (see: tenant list)`);
}

/** A usage mistake: the message says what to change. */
export class CommandUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandUsageError';
  }
}

function parse(args: string[], spec: Record<string, { type: 'string' | 'boolean' }>): Record<string, string | boolean | undefined> {
  try {
    return parseArgs({ args, options: spec, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (e) {
    throw new CommandUsageError((e as Error).message);
  }
}

function check<T>(schema: z.ZodType<T>, value: unknown, option: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new CommandUsageError(`--${option}: ${r.error.issues[0]?.message ?? 'invalid'}${value === undefined ? ' (missing)' : ''}`);
  return r.data;
}

const algoListSchema = z
  .string()
  .transform((s) => s.split(',').map((a) => a.trim()).filter((a) => a.length > 0))
  .pipe(z.array(z.enum(ALGORITHMS, { message: `each algorithm must be one of ${ALGORITHMS.join(', ')}` })).min(1, 'name at least one algorithm'));
const intSchema = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d+$/, 'must be an integer')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

export const trainArgsSchema = z.object({
  tenant: tenantIdSchema,
  algorithms: z.array(z.enum(ALGORITHMS)).optional(),
  tune: z.boolean(),
  seed: z.number().int().optional(),
  holdoutDays: z.number().int().optional(),
});
export type TrainArgs = z.infer<typeof trainArgsSchema>;

/** Parses `train` arguments. @throws CommandUsageError naming the bad option. */
export function parseTrainArgs(args: string[]): TrainArgs {
  const o = parse(args, { tenant: { type: 'string' }, algo: { type: 'string' }, tune: { type: 'boolean' }, seed: { type: 'string' }, 'holdout-days': { type: 'string' } });
  return {
    tenant: check(tenantIdSchema, o.tenant, 'tenant'),
    algorithms: o.algo === undefined ? undefined : check(algoListSchema, o.algo, 'algo'),
    tune: o.tune === true,
    seed: o.seed === undefined ? undefined : check(intSchema(0, 2 ** 31 - 1), o.seed, 'seed'),
    holdoutDays: o['holdout-days'] === undefined ? undefined : check(intSchema(1, 630), o['holdout-days'], 'holdout-days'),
  };
}

const fmt = (v: number, digits = 4): string => (Number.isFinite(v) ? v.toFixed(digits) : '-');

/** The summary table of a run: every model and baseline, the best (lowest validation WAPE) marked with '*'; the other figures are the hold-out's. */
export function summaryTable(run: TrainingRun): string {
  const head = ['model', 'valid WAPE', 'WAPE', 'MAE', 'RMSE', 'R2', 'sMAPE', 'MAPE', 'bias', 'FVA', 'fit s'];
  const rows: string[][] = [];
  const add = (name: string, m: ModelMetrics): void => {
    rows.push([
      `${name === run.best ? '*' : ' '}${name}`,
      fmt(m.validationWape),
      fmt(m.wape),
      fmt(m.mae, 3),
      fmt(m.rmse, 3),
      fmt(m.r2),
      fmt(m.smape),
      fmt(m.mape),
      fmt(m.bias, 3),
      fmt(m.fva, 3),
      fmt(m.fitSeconds, 1),
    ]);
  };
  for (const [n, m] of Object.entries(run.models)) add(n, m);
  for (const [n, m] of Object.entries(run.baselines)) add(n, m);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * `train --tenant T [--algo gbm,rf,ridge,ensemble] [--tune] [--seed N] [--holdout-days N]`: trains
 * (trees on `kernels`), records the experiments and registers the best model (see trainAndRegister).
 */
export async function trainCommand(args: string[], actor: AuditActor = CLI_ACTOR, kernels?: TreeKernels): Promise<void> {
  const a = parseTrainArgs(args);
  await requireTenant(a.tenant);
  const bar = progressBar('train');
  const options = { algorithms: a.algorithms, tune: a.tune, seed: a.seed, holdoutDays: a.holdoutDays, kernels };
  const { run, version } = await trainAndRegister(a.tenant, options, actor, (d, t, m) => bar.update(d, t, m));
  console.log(summaryTable(run));
  console.log(
    `\nbest: ${run.best}  hold-out ${run.holdout.from}..${run.holdout.to} (${run.holdout.periods} periods)  interval coverage p80 ${fmt(run.coverage.p80, 3)} p95 ${fmt(run.coverage.p95, 3)}  ${(run.durationMs / 1000).toFixed(1)} s`,
  );
  if (run.trials.length > 0) console.log(`tuning: ${run.trials.length} trials, best CV WAPE ${fmt(Math.min(...run.trials.map((t) => t.wape)))}`);
  console.log(`registered ${version.id} (${version.algorithm}) in ${version.stage}${version.stageReason ? `: ${version.stageReason}` : ''}`);
}

export const evaluateArgsSchema = z.object({ tenant: tenantIdSchema, holdoutDays: z.number().int().optional(), json: z.boolean() });

/** Parses `evaluate` arguments. @throws CommandUsageError naming the bad option. */
export function parseEvaluateArgs(args: string[]): z.infer<typeof evaluateArgsSchema> {
  const o = parse(args, { tenant: { type: 'string' }, 'holdout-days': { type: 'string' }, json: { type: 'boolean' } });
  return {
    tenant: check(tenantIdSchema, o.tenant, 'tenant'),
    holdoutDays: o['holdout-days'] === undefined ? undefined : check(intSchema(1, 630), o['holdout-days'], 'holdout-days'),
    json: o.json === true,
  };
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** The `evaluate --json` object: every model's and baseline's hold-out metrics and validation WAPE, the best (chosen on validation), the coverage. */
export function evaluationJson(run: TrainingRun): { models: Record<string, Record<string, number | null>>; best: string; coverage: { p80: number | null; p95: number | null } } {
  const models: Record<string, Record<string, number | null>> = {};
  for (const [name, m] of Object.entries({ ...run.models, ...run.baselines })) {
    models[name] = {
      wape: finiteOrNull(m.wape),
      mae: finiteOrNull(m.mae),
      rmse: finiteOrNull(m.rmse),
      r2: finiteOrNull(m.r2),
      smape: finiteOrNull(m.smape),
      mape: finiteOrNull(m.mape),
      bias: finiteOrNull(m.bias),
      fva: finiteOrNull(m.fva),
      fit_s: finiteOrNull(m.fitSeconds),
      validation_wape: finiteOrNull(m.validationWape),
      n: m.n,
    };
  }
  return { models, best: run.best, coverage: { p80: finiteOrNull(run.coverage.p80), p95: finiteOrNull(run.coverage.p95) } };
}

/** `evaluate --tenant T [--holdout-days N] [--json]`: with --json, stdout holds only one JSON object. */
export async function evaluateCommand(args: string[], kernels?: TreeKernels): Promise<void> {
  const a = parseEvaluateArgs(args);
  await requireTenant(a.tenant);
  const bar = a.json ? null : progressBar('evaluate');
  const run = await trainTenant(a.tenant, { holdoutDays: a.holdoutDays, kernels }, (d, t, m) => bar?.update(d, t, m));
  if (a.json) {
    process.stdout.write(`${JSON.stringify(evaluationJson(run))}\n`);
    return;
  }
  console.log(summaryTable(run));
  console.log(`\nbest: ${run.best}  interval coverage p80 ${fmt(run.coverage.p80, 3)} p95 ${fmt(run.coverage.p95, 3)}`);
}

export const retrainArgsSchema = z.object({ tenant: tenantIdSchema, trigger: z.string().min(1).max(200) });

/** Parses `retrain` arguments. @throws CommandUsageError naming the bad option. */
export function parseRetrainArgs(args: string[]): z.infer<typeof retrainArgsSchema> {
  const o = parse(args, { tenant: { type: 'string' }, trigger: { type: 'string' } });
  return {
    tenant: check(tenantIdSchema, o.tenant, 'tenant'),
    trigger: o.trigger === undefined ? 'cli' : check(z.string().trim().min(1, 'say what started it').max(200), o.trigger, 'trigger'),
  };
}

/**
 * `retrain --tenant T [--trigger TEXT]`: one auto-retraining cycle (the same as the scheduler's),
 * for cron. Prints the decision; the exit code is 0 whether or not the challenger was promoted.
 */
export async function retrainCommand(args: string[], actor: AuditActor = CLI_ACTOR, kernels?: TreeKernels): Promise<void> {
  const a = parseRetrainArgs(args);
  await requireTenant(a.tenant);
  const bar = progressBar('retrain');
  const outcome = await runRetrainCycle(a.tenant, trainingDeps({ kernels }), actor, a.trigger, (d, t, m) => bar.update(d, t, m));
  const v = outcome.version;
  if (!v) {
    console.log(`skipped: ${outcome.decision.reason}`);
    return;
  }
  console.log(`${v.id} (${v.algorithm}): hold-out WAPE ${fmt(v.metrics.wape ?? NaN)}, seasonal naive ${fmt(v.baselineMetrics.wape ?? NaN)}`);
  console.log(`${outcome.decision.promote ? 'promoted to production' : 'kept in staging'}: ${outcome.decision.reason}`);
}
