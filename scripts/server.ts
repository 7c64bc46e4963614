/**
 * The production server (`npm start`, the tests, the API benchmark): the Next.js build behind
 * Node's HTTP server, with the API's hot endpoints for API clients answered by the fast path that
 * instrumentation.ts installs (lib/api/fast-path.ts) and every other request handled by Next.js.
 *
 *   node --import tsx scripts/server.ts [--port 3000] [--host 0.0.0.0]
 *
 * The build must exist (scripts/start.ts builds it when needed).
 */
import http from 'node:http';
import path from 'node:path';
import next from 'next';
import { admitRequest } from '../lib/http/front-door';
import { parseTrustedProxies } from '../lib/http/client-address';
import { processSingleton } from '../lib/process-state';

type FastApi = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const port = Number(arg('port') ?? process.env.PORT ?? '3000');
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be a number from 1 to 65535, got "${arg('port') ?? process.env.PORT}"`);
  const hostname = arg('host');
  // A mistyped TRUSTED_PROXIES stops the start with its message instead of failing every request.
  parseTrustedProxies(process.env.TRUSTED_PROXIES);
  const root = path.resolve(__dirname, '..');
  // The app finds its own files (job worker, vendored libraries) from the working directory.
  process.chdir(root);
  const app = next({ dev: false, dir: root, hostname: hostname ?? 'localhost', port });
  const handle = app.getRequestHandler();
  await app.prepare();
  // instrumentation.ts installs the fast path when Next.js registers it (during or just after
  // prepare); until then Next.js serves every request, which is correct, only slower.
  // The slot lib/api/fast-path.ts fills (same name and shape); read through lib/process-state
  // because this file runs outside the Next.js bundles that hold the fast path.
  const holder = processSingleton('api.fast-path', (): { serve?: FastApi } => ({}));
  const server = http.createServer((req, res) => {
    if (!admitRequest(req, res)) return;
    if (holder.serve?.(req, res)) return;
    handle(req, res).catch((e: unknown) => {
      console.error(`server: ${req.method} ${req.url} failed:`, e);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  // Node cuts any request after 5 minutes by default: too short for a large upload on a slow line.
  // Stalled uploads are cut by the upload reader itself (60 s without data); headers still must
  // arrive within Node's headersTimeout.
  server.requestTimeout = 60 * 60_000;
  server.listen(port, hostname, () => console.log(`▲ Foresight ready on http://${hostname ?? 'localhost'}:${port}`));
  // Stop taking connections, let the responses under way finish (at most 5 s), then exit.
  const stop = () => {
    server.close(() => void app.close().finally(() => process.exit(0)));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
