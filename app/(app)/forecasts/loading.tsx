/** Shown while the Forecasts page computes the selection's forecast. */
export default function Loading() {
  return (
    <div role="status" aria-live="polite" aria-label="Loading the forecast" data-testid="forecast-loading">
      <h1>Forecasts</h1>
      <div className="card">
        <div className="skeleton" style={{ height: '3.5rem' }} />
      </div>
      <div className="card">
        <div className="skeleton" style={{ height: '380px' }} />
      </div>
      <span className="visually-hidden">Computing the forecast…</span>
    </div>
  );
}
