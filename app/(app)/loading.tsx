/** Shown while a dashboard page renders on the server (data load, forecast). */
export default function Loading() {
  return (
    <div role="status" aria-live="polite" aria-label="Loading" data-testid="page-loading">
      <div className="skeleton" style={{ height: '1.8rem', width: '12rem', marginBottom: '1rem' }} />
      <div className="kpi-grid">
        {[0, 1, 2].map((i) => (
          <div key={i} className="card">
            <div className="skeleton" style={{ height: '4.5rem' }} />
          </div>
        ))}
      </div>
      <div className="card" style={{ marginTop: '1rem' }}>
        <div className="skeleton" style={{ height: '320px' }} />
      </div>
      <span className="visually-hidden">Loading the page…</span>
    </div>
  );
}
