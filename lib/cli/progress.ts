/**
 * A terminal progress bar for the CLI: redraws one line on a TTY, prints a line per step otherwise
 * (CI logs), and never more than 10 times a second.
 */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr) {
  let last = 0;
  let lastMessage = '';
  const width = 30;
  return {
    update(done: number, total: number, message: string) {
      const now = Date.now();
      const finished = done >= total;
      if (!finished && now - last < 100 && message === lastMessage) return;
      last = now;
      const share = total > 0 ? Math.min(1, done / total) : 0;
      const filled = Math.round(share * width);
      const line = `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${message}`;
      if (stream.isTTY) stream.write(`\r${line.slice(0, (stream.columns ?? 120) - 1).padEnd(Math.min(stream.columns ?? 120, 120) - 1)}${finished ? '\n' : ''}`);
      else if (message !== lastMessage || finished) stream.write(`${line}\n`);
      lastMessage = message;
    },
  };
}
