import type { Metadata } from 'next';
import Link from 'next/link';
import { requirePage } from '@/lib/auth/guards';
import { auditQuerySchema, queryAudit } from '@/lib/audit';
import { can } from '@/lib/auth/permissions';

export const metadata: Metadata = { title: 'Audit' };

type Search = Record<string, string | string[] | undefined>;

function firstValues(s: Search): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(s)) {
    const value = Array.isArray(v) ? v[0] : v;
    if (value) out[k] = value;
  }
  return out;
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Search> }) {
  const ctx = await requirePage('audit.read', '/audit');
  const raw = firstValues(await searchParams);
  const parsed = auditQuerySchema.safeParse(raw);
  const query = parsed.success ? parsed.data : auditQuerySchema.parse({});
  const { records, total, actions } = await queryAudit(ctx.tenantId, query);
  const pages = Math.max(1, Math.ceil(total / query.pageSize));
  const filters = Object.fromEntries(Object.entries(raw).filter(([k]) => k !== 'page'));
  const linkTo = (page: number) => `/audit?${new URLSearchParams({ ...filters, page: String(page) })}`;
  return (
    <>
      <h1>Audit log</h1>
      <p className="muted">Every change and sign-in in your organisation, newest first.</p>
      {!parsed.success && <div className="alert error">Some filters were not valid and were ignored: {parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}</div>}
      <form className="card form-grid" method="get" role="search" aria-label="Filter the audit log">
        <label>
          Action
          <select name="action" defaultValue={query.action ?? ''}>
            <option value="">Any</option>
            {actions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label>
          Who
          <input name="actor" defaultValue={query.actor ?? ''} placeholder="email or key" />
        </label>
        <label>
          Outcome
          <select name="outcome" defaultValue={query.outcome ?? ''}>
            <option value="">Any</option>
            <option value="success">success</option>
            <option value="failure">failure</option>
            <option value="denied">denied</option>
          </select>
        </label>
        <label>
          From
          <input name="from" type="date" defaultValue={query.from ?? ''} />
        </label>
        <label>
          To
          <input name="to" type="date" defaultValue={query.to ?? ''} />
        </label>
        <div style={{ display: 'flex', gap: '0.5rem' }}>
          <button type="submit">Filter</button>
          {can(ctx.role, 'exports.download') && (
            <a className="button secondary" href={`/audit/export?${new URLSearchParams(filters)}`} download>
              Export CSV
            </a>
          )}
        </div>
      </form>
      <section className="card table-wrap">
        <p className="muted" data-testid="audit-total">
          {total} record{total === 1 ? '' : 's'}
        </p>
        {records.length === 0 ? (
          <p className="empty">No records match.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>When (UTC)</th>
                <th>Who</th>
                <th>Action</th>
                <th>Target</th>
                <th>Outcome</th>
                <th>Address</th>
              </tr>
            </thead>
            <tbody>
              {records.map((r) => (
                <tr key={r.id}>
                  <td>{r.at.slice(0, 19).replace('T', ' ')}</td>
                  <td>{r.actor.label}</td>
                  <td>
                    <code>{r.action}</code>
                  </td>
                  <td>{r.target}</td>
                  <td>
                    <span className={`badge ${r.outcome === 'success' ? 'ok' : r.outcome === 'denied' ? 'warn' : 'danger'}`}>{r.outcome}</span>
                  </td>
                  <td>{r.ip}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <nav className="pager" aria-label="Pages">
          {query.page > 1 && <Link href={linkTo(query.page - 1)}>Previous</Link>}
          <span>
            Page {query.page} of {pages}
          </span>
          {query.page < pages && <Link href={linkTo(query.page + 1)}>Next</Link>}
        </nav>
      </section>
    </>
  );
}
