export default function Loading() {
  return (
    <div className="card" aria-busy="true" aria-live="polite">
      <p className="muted">Loading…</p>
    </div>
  );
}
