import type { Metadata } from 'next';
import Link from 'next/link';
import { requirePage } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { experimentQuerySchema, getExperiments, queryExperiments } from '@/lib/experiments';
import { formatterFor } from '@/lib/format';
import { compareMetric, formatMetric, orderMetrics } from '@/lib/metric-words';
import { MetricGlossary, MetricTerm } from '@/components/metric-term';
import { loadTable } from '@/lib/datasets/store';
import { datasetLabels } from '@/lib/datasets/labels';

export const metadata: Metadata = { title: 'Experiments' };

type Search = Record<string, string | string[] | undefined>;
/** Index of the best value among `values` by the metric's direction (null when it has none or all are equal). */
function bestOf(metric: string, values: (number | null | undefined)[]): number | null {
  let best: number | null = null;
  values.forEach((v, i) => {
    if (v === null || v === undefined || !Number.isFinite(v)) return;
    if (best === null || compareMetric(metric, values[best], v) === 'better') best = i;
  });
  return best !== null && values.every((v, i) => i === best || compareMetric(metric, values[best as number], v) !== 'same') ? best : null;
}

export default async function ExperimentsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const ctx = await requirePage('models.read', '/experiments');
  const raw = await searchParams;
  const first = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]).filter(([, v]) => v));
  const parsed = experimentQuerySchema.safeParse(first);
  const q = parsed.success ? parsed.data : experimentQuerySchema.parse({});
  const [{ experiments, total, algorithms }, loaded] = await Promise.all([queryExperiments(ctx.tenantId, q), loadTable(ctx.tenantId)]);
  const fmt = formatterFor(ctx.tenant.regional);
  const target = loaded ? datasetLabels(loaded.table, loaded.manifest.mapping).target : undefined;
  const selected = (Array.isArray(raw.pick) ? raw.pick : raw.pick ? [raw.pick] : []).filter((id) => /^e_[a-f0-9]{12}$/.test(id)).slice(0, 6);
  const chosen = selected.length >= 2 ? await getExperiments(ctx.tenantId, selected) : [];
  const metricNames = orderMetrics(chosen.flatMap((e) => Object.keys(e.metrics)));
  const paramNames = [...new Set(chosen.flatMap((e) => Object.keys(e.params)))].sort();
  const filters = Object.fromEntries(Object.entries(first).filter(([k]) => !['page', 'sort', 'order', 'pick'].includes(k))) as Record<string, string>;
  const sortLink = (sort: string) => `/experiments?${new URLSearchParams({ ...filters, sort, order: q.sort === sort && q.order === 'desc' ? 'asc' : 'desc' })}`;
  const pages = Math.max(1, Math.ceil(total / q.pageSize));
  return (
    <>
      <h1>Experiments</h1>
      <p className="muted">Every training and tuning run, with its parameters, metrics, duration and data.</p>
      <form method="get" className="card form-grid" role="search" aria-label="Filter experiments">
        <label>
          Kind
          <select name="kind" defaultValue={q.kind ?? ''}>
            <option value="">Any</option>
            <option value="train">training</option>
            <option value="tune-trial">tuning trial</option>
            <option value="retrain">retraining</option>
          </select>
        </label>
        <label>
          Algorithm
          <select name="algorithm" defaultValue={q.algorithm ?? ''}>
            <option value="">Any</option>
            {algorithms.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select name="status" defaultValue={q.status ?? ''}>
            <option value="">Any</option>
            <option>succeeded</option>
            <option>failed</option>
            <option>cancelled</option>
          </select>
        </label>
        <div style={{ display: 'flex', gap: '0.5rem' }}>
          <button type="submit">Filter</button>
          {can(ctx.role, 'exports.download') && (
            <a className="button secondary" href={`/experiments/export?${new URLSearchParams(filters)}`} download>
              Export CSV
            </a>
          )}
        </div>
      </form>
      {chosen.length >= 2 && (
        <section className="card table-wrap" data-testid="experiment-comparison">
          <h2>Side by side</h2>
          <table>
            <thead>
              <tr>
                <th></th>
                {chosen.map((e) => (
                  <th key={e.id}>
                    {e.id} ({e.algorithm})
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {metricNames.map((m) => {
                const best = bestOf(m, chosen.map((e) => e.metrics[m]));
                return (
                  <tr key={m} data-testid={`side-${m}`}>
                    <td>
                      <MetricTerm metric={m} technical />
                    </td>
                    {chosen.map((e, i) => (
                      <td key={e.id} className={i === best ? 'tone-better' : undefined}>
                        {formatMetric(m, e.metrics[m], fmt, target)}
                      </td>
                    ))}
                  </tr>
                );
              })}
              {paramNames.map((p) => (
                <tr key={p}>
                  <td className="muted">{p}</td>
                  {chosen.map((e) => (
                    <td key={e.id}>{String(e.params[p] ?? '—')}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">Green: the best of the runs on that measure.</p>
          <MetricGlossary metrics={metricNames} />
        </section>
      )}
      <form method="get" className="card table-wrap">
        {Object.entries(filters).map(([k, v]) => (
          <input key={k} type="hidden" name={k} value={v} />
        ))}
        <p className="muted">
          {total} run{total === 1 ? '' : 's'}. Tick two or more to compare them.
        </p>
        {experiments.length === 0 ? (
          <p className="empty">No runs yet. Each training and tuning run appears here.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Compare</th>
                <th>
                  <Link href={sortLink('at')}>When</Link>
                </th>
                <th>Kind</th>
                <th>Algorithm</th>
                <th>Status</th>
                <th>
                  <Link href={sortLink('wape')}>Typical error</Link> <MetricTerm metric="wape">(WAPE)</MetricTerm>
                </th>
                <th>
                  <Link href={sortLink('durationMs')}>Duration</Link>
                </th>
                <th>Version</th>
              </tr>
            </thead>
            <tbody>
              {experiments.map((e) => (
                <tr key={e.id}>
                  <td>
                    <input type="checkbox" name="pick" value={e.id} defaultChecked={selected.includes(e.id)} aria-label={`Compare ${e.id}`} />
                  </td>
                  <td>{fmt.dateTime(e.at)}</td>
                  <td>{e.kind}</td>
                  <td>{e.algorithm}</td>
                  <td>
                    <span className={`badge ${e.status === 'succeeded' ? 'ok' : e.status === 'failed' ? 'danger' : 'warn'}`}>{e.status}</span>
                    {e.error && <div className="muted">{e.error}</div>}
                  </td>
                  <td>{fmt.percent(e.metrics.wape, 2)}</td>
                  <td>{fmt.decimal(e.durationMs / 1000, 1)} s</td>
                  <td>{e.versionId ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {experiments.length > 1 && (
          <div style={{ marginTop: '0.5rem' }}>
            <button type="submit">Compare selected</button>
          </div>
        )}
        <nav className="pager" aria-label="Pages">
          <span>
            Page {q.page} of {pages}
          </span>
        </nav>
      </form>
    </>
  );
}
