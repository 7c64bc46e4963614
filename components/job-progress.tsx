'use client';

import { useEffect, useState } from 'react';
import { useRouter } from 'next/navigation';
import type { Job } from '@/lib/schemas/jobs';

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * A job's progress bar. It polls the job while it runs (so it survives a reload: the page renders
 * it again from the stored job), refreshes the page when the job ends, and offers cancellation.
 */
export function JobProgress({ initial, canCancel, label }: { initial: Job; canCancel: boolean; label: string }) {
  const [job, setJob] = useState(initial);
  const [cancelError, setCancelError] = useState<string | null>(null);
  const router = useRouter();
  useEffect(() => {
    if (TERMINAL.has(job.status)) return;
    const timer = setTimeout(async () => {
      try {
        const res = await fetch(`/api/v1/jobs/${job.id}`, { cache: 'no-store' });
        if (!res.ok) return;
        const next = ((await res.json()) as { job: Job }).job;
        setJob(next);
        if (TERMINAL.has(next.status)) router.refresh();
      } catch {
        // network hiccup: try again on the next tick
        setJob((j) => ({ ...j }));
      }
    }, 400);
    return () => clearTimeout(timer);
  }, [job, router]);

  async function cancel() {
    setCancelError(null);
    const res = await fetch(`/api/v1/jobs/${job.id}/cancel`, { method: 'POST' });
    if (!res.ok) setCancelError(((await res.json()) as { error: { message: string } }).error.message);
    else setJob(((await res.json()) as { job: Job }).job);
  }

  const share = job.progress.total > 0 ? job.progress.done / job.progress.total : 0;
  const active = !TERMINAL.has(job.status);
  return (
    <div className="job" data-testid="job" data-status={job.status}>
      <div style={{ display: 'flex', justifyContent: 'space-between', gap: '1rem', flexWrap: 'wrap' }}>
        <strong>{label}</strong>
        <span className={`badge ${job.status === 'succeeded' ? 'ok' : job.status === 'failed' ? 'danger' : job.status === 'cancelled' ? 'warn' : ''}`}>{job.status}</span>
      </div>
      {active && (
        <>
          <div className="usage-bar" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(share * 100)}>
            <span style={{ width: `${(share * 100).toFixed(0)}%` }} />
          </div>
          <p className="muted" aria-live="polite">
            {job.progress.message} ({Math.round(share * 100)}%)
          </p>
          {canCancel && (
            <button type="button" className="secondary" onClick={cancel}>
              Cancel
            </button>
          )}
          {cancelError && <p className="alert error">{cancelError}</p>}
        </>
      )}
      {job.status === 'failed' && job.error && <p className="alert error">Failed: {job.error}</p>}
    </div>
  );
}
