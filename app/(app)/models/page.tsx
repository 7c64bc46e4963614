import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { compareVersions, listVersions, registryHistory, type ModelVersion } from '@/lib/registry/store';
import { versionIdSchema } from '@/lib/schemas/models';
import { ActionForm } from '@/components/action-form';
import { JobProgress } from '@/components/job-progress';
import { listJobs } from '@/lib/jobs/store';
import type { Job } from '@/lib/schemas/jobs';
import { archiveAction, promoteAction, retrainAction, rollbackAction, trainAction } from './actions';
import { formatterFor, type Formatter } from '@/lib/format';
import { accuracyWords, changeWords, compareMetric, formatMetric, orderMetrics, recommendation, shareWords, toneClass, valueAdded, NEGLIGIBLE_VALUE_ADDED } from '@/lib/metric-words';
import { MetricGlossary, MetricTerm } from '@/components/metric-term';
import { loadTable } from '@/lib/datasets/store';
import { datasetLabels } from '@/lib/datasets/labels';

const ALGORITHM_LABELS = [
  ['gbm', 'Gradient boosting'],
  ['rf', 'Random forest'],
  ['ridge', 'Ridge regression'],
  ['ensemble', 'Ensemble of the three'],
] as const;

const CHECKBOX_ROW = { flexDirection: 'row', alignItems: 'center', gap: '0.4rem' } as const;

function jobLabel(job: Job, fmt: Formatter): string {
  const who = `started by ${job.createdBy} at ${fmt.dateTime(job.createdAt)}`;
  if (job.kind === 'retrain') return `Retraining cycle (${typeof job.params.trigger === 'string' ? job.params.trigger : 'manual'}), ${who}`;
  const algos = Array.isArray(job.params.algorithms) ? job.params.algorithms.join(', ') : 'all algorithms';
  return `Training (${algos}${job.params.tune === true ? ', tuned' : ''}), ${who}`;
}

export const metadata: Metadata = { title: 'Models' };

type Search = Record<string, string | string[] | undefined>;
/** A version's value added over the baseline in words, with its tone: "31% smaller", "no better", "12% larger". */
function valueAddedCell(v: ModelVersion, fmt: Formatter): { text: string; className: string | undefined } {
  const fva = valueAdded(v.metrics.wape, v.baselineMetrics.wape);
  if (fva === null) return { text: '—', className: undefined };
  if (Math.abs(fva) < NEGLIGIBLE_VALUE_ADDED) return { text: 'no better', className: 'tone-same' };
  return fva > 0 ? { text: `${fmt.percent(fva, 0)} smaller error`, className: 'tone-better' } : { text: `${fmt.percent(-fva, 0)} larger error`, className: 'tone-worse' };
}
const stageBadge = (stage: ModelVersion['stage']) => (stage === 'production' ? 'ok' : stage === 'staging' ? 'warn' : '');

export default async function ModelsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const ctx = await requirePage('models.read', '/models');
  const params = await searchParams;
  const fmt = formatterFor(ctx.tenant.regional);
  const [versions, history, trainJobs, retrainJobs, loaded] = await Promise.all([
    listVersions(ctx.tenantId),
    registryHistory(ctx.tenantId),
    listJobs(ctx.tenantId, { kind: 'train', limit: 1 }),
    listJobs(ctx.tenantId, { kind: 'retrain', limit: 1 }),
    loadTable(ctx.tenantId),
  ]);
  const step = loaded?.table.step ?? 1;
  const labels = loaded ? datasetLabels(loaded.table, loaded.manifest.mapping) : null;
  const target = labels?.target;
  const canTrain = can(ctx.role, 'models.train');
  const recentJobs = [trainJobs[0], retrainJobs[0]].filter((j): j is Job => j !== undefined);
  const production = versions.find((v) => v.stage === 'production');
  const canPromote = can(ctx.role, 'models.promote');
  const canRollback = can(ctx.role, 'models.rollback');
  const pick = (k: string) => {
    const raw = Array.isArray(params[k]) ? params[k]?.[0] : params[k];
    const parsed = versionIdSchema.safeParse(raw);
    return parsed.success ? versions.find((v) => v.id === parsed.data) : undefined;
  };
  const a = pick('a');
  const b = pick('b');
  const comparison = a && b ? compareVersions(a, b) : null;
  return (
    <>
      <h1>Models</h1>
      {canTrain && (
        <section className="card" aria-labelledby="train">
          <h2 id="train">Train</h2>
          <p className="muted">
            Trains on the current data in the background (you can leave this page), scores every model and the seasonal naive baseline on the newest {step === 7 ? '8 weeks' : '30 days'} (held out of its training), and
            registers the best one: in production if it is the first, otherwise in staging to compare and promote.
          </p>
          <ActionForm action={trainAction} submitLabel="Train" className="form-grid" testId="train-form">
            <fieldset style={{ border: 0, padding: 0, margin: 0, display: 'grid', gap: '0.3rem' }}>
              <legend>Algorithms</legend>
              {ALGORITHM_LABELS.map(([value, label]) => (
                <label key={value} style={CHECKBOX_ROW}>
                  <input type="checkbox" name={`algo_${value}`} defaultChecked={value !== 'rf' && value !== 'ensemble'} /> {label}
                </label>
              ))}
            </fieldset>
            <label style={CHECKBOX_ROW}>
              <input type="checkbox" name="tune" /> Tune boosting first (random search with rolling-origin cross-validation; slower)
            </label>
          </ActionForm>
          <h3>Auto-retraining</h3>
          <p className="muted">
            A cycle trains a challenger and promotes it only when it beats the production model on the newest days that model was not trained on (it waits until a whole 30-day hold-out of them has arrived) by the margin, with no large store or
            category worse; otherwise it stays in staging with the reason.
          </p>
          <ActionForm action={retrainAction} submitLabel="Run retraining cycle now" testId="retrain-form" />
        </section>
      )}
      {recentJobs.length > 0 && (
        <section className="card" aria-labelledby="model-jobs" data-testid="model-jobs">
          <h2 id="model-jobs">Training jobs</h2>
          {recentJobs.map((job) => (
            <div key={job.id}>
              <JobProgress key={job.id} initial={job} canCancel={canTrain} label={jobLabel(job, fmt)} />
              {job.status === 'succeeded' && typeof job.result?.message === 'string' && <p data-testid={`${job.kind}-job-message`}>{job.result.message}</p>}
            </div>
          ))}
        </section>
      )}
      {versions.length === 0 ? (
        <section className="card empty">
          <p>No model yet. {can(ctx.role, 'models.train') ? 'Train one once data is imported.' : 'A manager or admin trains the first model.'}</p>
        </section>
      ) : (
        <>
          <section className="card" aria-labelledby="production" data-testid="production-card">
            <h2 id="production">In production</h2>
            {production ? (
              <ProductionSummary production={production} versions={versions} step={step} fmt={fmt} />
            ) : (
              <p className="muted">No version is in production.</p>
            )}
            {production && canRollback && history.some((h) => h.action === 'promote' && h.versionId === production.id && h.previousProduction) && (
              <ActionForm action={rollbackAction} submitLabel="Roll back to the previous version" confirm="Put the previous production version back?" testId="rollback" />
            )}
          </section>
          <section className="card table-wrap" aria-labelledby="versions">
            <h2 id="versions">Versions</h2>
            <table>
              <thead>
                <tr>
                  <th>Version</th>
                  <th>Stage</th>
                  <th>Algorithm</th>
                  <th>
                    <MetricTerm metric="wape" />
                  </th>
                  <th>
                    <MetricTerm metric="naive" />
                  </th>
                  <th>
                    <MetricTerm metric="fva">Against the baseline</MetricTerm>
                  </th>
                  <th>Data</th>
                  <th>Created</th>
                  {canPromote && <th>Actions</th>}
                </tr>
              </thead>
              <tbody>
                {versions.map((v) => (
                  <tr key={v.id} data-testid={`version-row-${v.id}`}>
                    <td>
                      <strong>{v.id}</strong>
                    </td>
                    <td>
                      <span className={`badge ${stageBadge(v.stage)}`}>{v.stage}</span>
                      {v.stageReason && <div className="muted">{v.stageReason}</div>}
                    </td>
                    <td>{v.algorithm}</td>
                    <td>{shareWords(v.metrics.wape, fmt)}</td>
                    <td>{shareWords(v.baselineMetrics.wape, fmt)}</td>
                    <td className={valueAddedCell(v, fmt).className} data-testid={`value-added-${v.id}`}>
                      {valueAddedCell(v, fmt).text}
                    </td>
                    <td>
                      {fmt.day(v.trainingWindow.from)} to {fmt.day(v.trainingWindow.to)}
                      <div className="muted">
                        <code>{v.datasetFingerprint.slice(0, 10)}</code> · code {v.codeVersion}
                      </div>
                    </td>
                    <td>
                      {fmt.dateTime(v.createdAt)}
                      <div className="muted">{v.author}</div>
                    </td>
                    {canPromote && (
                      <td style={{ display: 'grid', gap: '0.3rem' }}>
                        {v.stage !== 'production' && (
                          <ActionForm action={promoteAction} submitLabel="Promote" confirm={`Put ${v.id} in production?`}>
                            <input type="hidden" name="versionId" value={v.id} />
                          </ActionForm>
                        )}
                        {v.stage !== 'production' && v.stage !== 'archived' && (
                          <ActionForm action={archiveAction} submitLabel="Archive">
                            <input type="hidden" name="versionId" value={v.id} />
                          </ActionForm>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="card" aria-labelledby="compare">
            <h2 id="compare">Compare two versions</h2>
            <form method="get" className="form-grid" data-testid="compare-form">
              {(['a', 'b'] as const).map((k, i) => (
                <label key={k}>
                  {i === 0 ? 'Version A' : 'Version B'}
                  <select name={k} defaultValue={(k === 'a' ? a : b)?.id ?? versions[Math.min(i, versions.length - 1)]?.id}>
                    {versions.map((v) => (
                      <option key={v.id} value={v.id}>
                        {v.id} ({v.stage}, {v.algorithm})
                      </option>
                    ))}
                  </select>
                </label>
              ))}
              <div>
                <button type="submit">Compare</button>
              </div>
            </form>
            {comparison && a && b && (
              <div className="table-wrap" data-testid="comparison">
                <table>
                  <thead>
                    <tr>
                      <th>Measure</th>
                      <th>{a.id}</th>
                      <th>{b.id}</th>
                      <th>
                        From {a.id} to {b.id}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {orderMetrics(comparison.metrics.map((m) => m.metric)).map((name) => {
                      const m = comparison.metrics.find((x) => x.metric === name)!;
                      return (
                        <tr key={m.metric} data-testid={`compare-${m.metric}`}>
                          <td>
                            <MetricTerm metric={m.metric} technical />
                          </td>
                          <td>{formatMetric(m.metric, m.a, fmt, target)}</td>
                          <td>{formatMetric(m.metric, m.b, fmt, target)}</td>
                          <td className={toneClass(compareMetric(m.metric, m.a, m.b))}>{changeWords(m.metric, m.a, m.b, fmt, target)}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
                {comparison.segments.length > 0 && (
                  <>
                    <h3>
                      <MetricTerm metric="wape">Typical error</MetricTerm> by store and category
                    </h3>
                    <p className="muted">Green: {b.id} misses less than {a.id} there; red: more.</p>
                    <table data-testid="segment-comparison">
                      <thead>
                        <tr>
                          <th>Segment</th>
                          <th>Share of sales</th>
                          <th>{a.id}</th>
                          <th>{b.id}</th>
                          <th>
                            From {a.id} to {b.id}
                          </th>
                        </tr>
                      </thead>
                      <tbody>
                        {comparison.segments
                          .sort((x, y) => y.share - x.share)
                          .slice(0, 50)
                          .map((s) => {
                            const tone = compareMetric('wape', s.a, s.b);
                            return (
                              <tr key={`${s.level}:${s.segment}`}>
                                <td>
                                  {s.level === 'category' ? 'Category' : (labels?.label(s.level) ?? s.level)} {s.segment}
                                </td>
                                <td>{fmt.percent(s.share)}</td>
                                <td>{fmt.percent(s.a)}</td>
                                <td>{fmt.percent(s.b)}</td>
                                <td className={toneClass(tone)} data-tone={tone ?? ''}>
                                  {changeWords('wape', s.a, s.b, fmt)}
                                </td>
                              </tr>
                            );
                          })}
                      </tbody>
                    </table>
                  </>
                )}
                <MetricGlossary metrics={orderMetrics(comparison.metrics.map((m) => m.metric))} />
              </div>
            )}
          </section>
          <section className="card" aria-labelledby="history">
            <h2 id="history">History</h2>
            <ol className="timeline" data-testid="history">
              {history.slice(0, 50).map((h, i) => (
                <li key={i}>
                  <span className="muted">{fmt.dateTime(h.at)}</span> · <strong>{h.action}</strong> {h.versionId}
                  {h.previousProduction ? ` (replacing ${h.previousProduction})` : ''} by {h.by}
                  {h.reason ? `: ${h.reason}` : ''}
                </li>
              ))}
            </ol>
          </section>
        </>
      )}
    </>
  );
}

/** The production version in words: its accuracy against the baseline, and what to do when it adds nothing. */
function ProductionSummary({ production, versions, step, fmt }: { production: ModelVersion; versions: ModelVersion[]; step: number; fmt: Formatter }) {
  const words = accuracyWords(production.metrics.wape, production.baselineMetrics.wape, step, fmt);
  const advice = recommendation(production, versions, step, fmt);
  return (
    <>
      <p>
        <strong data-testid="production-version">{production.id}</strong> · {production.algorithm} ·{' '}
        <span data-testid="production-accuracy">
          <MetricTerm metric="wape">{words.headline}</MetricTerm>; <span className={words.verdict === 'better' ? 'tone-better' : words.verdict === 'worse' ? 'tone-worse' : 'tone-same'}>{words.versus}</span>
        </span>{' '}
        · trained on {fmt.day(production.trainingWindow.from)} to {fmt.day(production.trainingWindow.to)} · promoted {production.promotedAt ? fmt.dateTime(production.promotedAt) : '—'} by {production.promotedBy}
      </p>
      {advice && (
        <p className="verdict" data-testid="model-advice">
          {advice}
        </p>
      )}
    </>
  );
}
