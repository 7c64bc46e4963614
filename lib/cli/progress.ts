import { describeTimes, progressTimes } from '../progress-estimate';

/**
 * A terminal progress bar for the CLI: redraws one line on a TTY, prints a line per step otherwise
 * (CI logs), and never more than 10 times a second.
 */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr, clock: () => number = Date.now) {
  const started = clock();
  let last = 0;
  let lastMessage = '';
  const width = 30;
  return {
    update(done: number, total: number, message: string) {
      const now = clock();
      const finished = done >= total;
      if (!finished && now - last < 100 && message === lastMessage) return;
      last = now;
      const share = total > 0 ? Math.min(1, done / total) : 0;
      const filled = Math.round(share * width);
      // The stage, then how long it has run and about how long is left (lib/progress-estimate.ts).
      const line = `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${message} (${describeTimes(progressTimes(share, started, now))})`;
      if (stream.isTTY) stream.write(`\r${line.slice(0, (stream.columns ?? 120) - 1).padEnd(Math.min(stream.columns ?? 120, 120) - 1)}${finished ? '\n' : ''}`);
      else if (message !== lastMessage || finished) stream.write(`${line}\n`);
      lastMessage = message;
    },
  };
}
