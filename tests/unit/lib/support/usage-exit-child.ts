/**
 * Child process for tests/unit/lib/usage.test.ts: meters API calls, optionally flushes some, then
 * exits with process.exit (as Next.js does on SIGTERM) while counts are still in memory.
 *   tsx usage-exit-child.ts <tenant> <calls before flush> <calls after> <await|race>
 */
import { flushUsage, meterApiCall } from '@/lib/usage';

async function main(): Promise<void> {
  const [tenantId, before, after, mode] = process.argv.slice(2);
  for (let i = 0; i < Number(before); i++) meterApiCall(tenantId);
  // 'await': the first calls are written before the exit; 'race': a flush is under way at the exit.
  if (mode === 'await') await flushUsage();
  else void flushUsage();
  for (let i = 0; i < Number(after); i++) meterApiCall(tenantId);
  if (mode === 'race') await new Promise((r) => setImmediate(r));
  process.exit(0);
}

void main();
