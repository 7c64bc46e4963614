import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { loadTable } from '@/lib/datasets/store';

export const metadata: Metadata = { title: 'Reports' };

export default async function ReportsPage() {
  const ctx = await requirePage('dashboards.read', '/reports');
  const canDownload = can(ctx.role, 'reports.download');
  const loaded = await loadTable(ctx.tenantId);
  const storeKey = loaded ? loaded.table.keyNames.indexOf('store') : -1;
  const stores = loaded && storeKey >= 0 ? loaded.table.keyVocab[storeKey] : [];
  return (
    <>
      <h1>Reports</h1>
      <p className="muted">PDFs in your branding for the weekly meeting: KPIs against the prior period and last year, the recent trend, top products, stores, model accuracy and alerts.</p>
      {!loaded ? (
        <section className="card empty">
          <p>No data yet: reports need imported sales.</p>
        </section>
      ) : !canDownload ? (
        <section className="card">
          <p>Managers and admins download the reports. Your role ({ctx.role}) can read the same figures on the dashboards.</p>
        </section>
      ) : (
        <div className="grid">
          <section className="card">
            <h2>Executive summary</h2>
            <p className="muted">All stores.</p>
            <a className="button" href="/api/v1/reports/executive.pdf" download data-testid="download-executive">
              Download PDF
            </a>
          </section>
          {stores.length > 0 && (
            <section className="card">
              <h2>Store report</h2>
              <form method="get" action="/api/v1/reports/store.pdf" className="form-grid">
                <label>
                  Store
                  <select name="store">
                    {stores.map((s) => (
                      <option key={s}>{s}</option>
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
