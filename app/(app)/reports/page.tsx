import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/guards';
import { loadTable } from '@/lib/datasets/store';
import { productionVersion } from '@/lib/registry/store';
import { nameBook } from '@/ml/data/names';

export const metadata: Metadata = { title: 'Reports' };

export default async function ReportsPage() {
  // Managers and admins download reports; the navigation offers the page to no one else.
  const ctx = await requirePage('reports.download', '/reports');
  const [loaded, production] = await Promise.all([loadTable(ctx.tenantId), productionVersion(ctx.tenantId)]);
  const stores = loaded ? nameBook(loaded.table).stores : [];
  return (
    <>
      <h1>Reports</h1>
      <p className="muted">
        PDFs in your branding for the weekly meeting: the Overview&apos;s KPIs against the prior period and last year, the recent trend with the next month&apos;s forecast (30 days, or 4 weeks of weekly data) and its 80% and 95% intervals, top products by forecast growth, best sellers, stores, model accuracy against seasonal naive and open alerts.
      </p>
      <p className="muted" data-testid="report-model">
        {production ? `Forecasts come from the production model ${production.id} (${production.algorithm}).` : 'No model is in production yet: reports show actuals only until a manager promotes one.'}
      </p>
      {!loaded ? (
        <section className="card empty">
          <p>No data yet: reports need imported sales.</p>
        </section>
      ) : (
        <div className="grid">
          <section className="card">
            <h2>Executive summary</h2>
            <p className="muted">All stores, with top products by forecast growth.</p>
            <a className="button" href="/api/v1/reports/executive.pdf" download data-testid="download-executive">
              Download PDF
            </a>
          </section>
          {stores.length > 0 && (
            <section className="card">
              <h2>Store report</h2>
              <p className="muted">One store&apos;s KPIs, forecast and best sellers.</p>
              <form method="get" action="/api/v1/reports/store.pdf" className="form-grid">
                <label>
                  Store
                  <select name="store" data-testid="report-store">
                    {stores.map((s) => (
                      <option key={s.id} value={s.id}>
                        {s.label}
                      </option>
                    ))}
                  </select>
                </label>
                <div>
                  <button type="submit">Download PDF</button>
                </div>
              </form>
            </section>
          )}
        </div>
      )}
    </>
  );
}
