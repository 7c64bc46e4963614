/**
 * What a progress bar says besides its share, in the UI (components/job-progress.tsx) and the CLI
 * (lib/cli/progress.ts) alike: how long the work has run and about how long is left. The estimate
 * is the elapsed time scaled by what is left, shown only once there is something to scale (a few
 * seconds and a few percent in), so a bar never promises "1 s left" at its first tick.
 */
export interface ProgressTimes {
  elapsedMs: number;
  /** Milliseconds left, or null while too little is done to say. */
  remainingMs: number | null;
}

const MIN_SHARE = 0.03;
const MIN_ELAPSED_MS = 3000;

export function progressTimes(share: number, startedAtMs: number, nowMs: number): ProgressTimes {
  const elapsedMs = Math.max(0, nowMs - startedAtMs);
  if (!(share >= MIN_SHARE) || share >= 1 || elapsedMs < MIN_ELAPSED_MS) return { elapsedMs, remainingMs: share >= 1 ? 0 : null };
  return { elapsedMs, remainingMs: (elapsedMs * (1 - share)) / share };
}

/** A duration as a person says it: "8 s", "2 min 10 s", "1 h 5 min". */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** "running 1 min 5 s, about 40 s left" (or only the first part while no estimate can be made). */
export function describeTimes(t: ProgressTimes): string {
  const running = `running ${formatDuration(t.elapsedMs)}`;
  if (t.remainingMs === null) return running;
  // Round the estimate up to a sensible step: "about 10 s", not "about 7 s" then "about 9 s".
  const step = t.remainingMs < 60_000 ? 5_000 : t.remainingMs < 600_000 ? 30_000 : 300_000;
  return `${running}, about ${formatDuration(Math.max(step, Math.ceil(t.remainingMs / step) * step))} left`;
}
