'use client';

import { useEffect, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import type { Job } from '@/lib/schemas/jobs';
import { describeTimes, progressTimes } from '@/lib/progress-estimate';

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);
/** Poll every 400 ms while the job answers; after a failed poll wait longer each time, up to 10 s. */
const POLL_MS = 400;
const MAX_BACKOFF_MS = 10_000;

/**
 * A job's progress bar. It polls the job while it runs (so it survives a reload: the page renders
 * it again from the stored job), refreshes the page when the job ends, and offers cancellation.
 * It shows the stage the job is in, how long it has run and about how long is left. A poll that
 * fails (the network, a restart, a refusal) is retried with backoff, honouring Retry-After, and
 * the bar says that it is reconnecting instead of freezing silently.
 */
export function JobProgress({ initial, canCancel, label }: { initial: Job; canCancel: boolean; label: string }) {
  const [job, setJob] = useState(initial);
  const [now, setNow] = useState(() => Date.now());
  const [trouble, setTrouble] = useState<string | null>(null);
  const [cancelError, setCancelError] = useState<string | null>(null);
  const failures = useRef(0);
  const router = useRouter();
  const active = !TERMINAL.has(job.status);

  useEffect(() => {
    if (!active) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout>;
    const poll = async (): Promise<void> => {
      let wait = POLL_MS;
      try {
        const res = await fetch(`/api/v1/jobs/${job.id}`, { cache: 'no-store' });
        if (res.ok) {
          const next = ((await res.json()) as { job: Job }).job;
          failures.current = 0;
          if (cancelled) return;
          setTrouble(null);
          setJob(next);
          if (TERMINAL.has(next.status)) {
            router.refresh();
            return;
          }
        } else {
          failures.current++;
          const retryAfter = Number(res.headers.get('retry-after'));
          const message = ((await res.json().catch(() => null)) as { error?: { message?: string } } | null)?.error?.message;
          wait = Math.max(Number.isFinite(retryAfter) ? retryAfter * 1000 : 0, Math.min(MAX_BACKOFF_MS, POLL_MS * 2 ** failures.current));
          if (res.status === 401) {
            if (!cancelled) setTrouble('Your session ended: sign in again to follow this job (it goes on running).');
            return;
          }
          if (!cancelled) setTrouble(`Could not read the job's progress (${message ?? `status ${res.status}`}); trying again.`);
        }
      } catch {
        failures.current++;
        wait = Math.min(MAX_BACKOFF_MS, POLL_MS * 2 ** failures.current);
        if (!cancelled) setTrouble('Lost the connection to the server; reconnecting…');
      }
      if (!cancelled) timer = setTimeout(poll, wait);
    };
    timer = setTimeout(poll, POLL_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [active, job.id, router]);

  // The clock of the elapsed time and the estimate, once a second.
  useEffect(() => {
    if (!active) return;
    const clock = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(clock);
  }, [active]);

  async function cancel() {
    setCancelError(null);
    const res = await fetch(`/api/v1/jobs/${job.id}/cancel`, { method: 'POST' });
    if (!res.ok) setCancelError(((await res.json()) as { error: { message: string } }).error.message);
    else setJob(((await res.json()) as { job: Job }).job);
  }

  const share = job.progress.total > 0 ? Math.min(1, job.progress.done / job.progress.total) : 0;
  const times = job.startedAt ? progressTimes(share, Date.parse(job.startedAt), now) : null;
  const stage = job.status === 'queued' ? `Waiting to start${job.progress.message && job.progress.message !== 'Queued' ? ` (${job.progress.message})` : ''}` : job.progress.message;
  return (
    <div className="job" data-testid="job" data-status={job.status}>
      <div style={{ display: 'flex', justifyContent: 'space-between', gap: '1rem', flexWrap: 'wrap' }}>
        <strong>{label}</strong>
        <span className={`badge ${job.status === 'succeeded' ? 'ok' : job.status === 'failed' ? 'danger' : job.status === 'cancelled' ? 'warn' : ''}`}>{job.status}</span>
      </div>
      {active && (
        <>
          <div className="usage-bar" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(share * 100)} aria-valuetext={`${Math.round(share * 100)}%: ${stage}`}>
            <span style={{ width: `${(share * 100).toFixed(0)}%` }} />
          </div>
          <p className="muted" aria-live="polite">
            <span data-testid="job-stage">{stage}</span> · {Math.round(share * 100)}%{times && <span data-testid="job-times"> · {describeTimes(times)}</span>}
          </p>
          {trouble && (
            <p className="alert warn" role="status" data-testid="job-trouble">
              {trouble}
            </p>
          )}
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
