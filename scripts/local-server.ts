/**
 * The production build served on a free loopback port for the API/browser tests and the API
 * benchmark: scripts/server.ts (the production server, as `npm start` runs it) with its output in `<home>/server.log`, resolved once /api/health answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
// Raw fs, not lib/storage: the test server's own log file.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const root = path.resolve(__dirname, '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * Serves the built app on 127.0.0.1 with FORESIGHT_HOME = `home`.
 * @throws Error when the server exits or is not healthy within 60 s (it is stopped then).
 */
export async function startLocalServer(home: string): Promise<{ server: ChildProcess; baseURL: string; logFile: string }> {
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const logFile = path.join(home, 'server.log');
  const server = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/server.ts'), '--port', String(port), '--host', '127.0.0.1'], {
    cwd: root,
    env: { ...process.env, FORESIGHT_HOME: home, AUTH_TRUST_HOST: 'true', NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = fs.createWriteStream(logFile);
  server.stdout?.pipe(log);
  server.stderr?.pipe(log);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`The server exited with code ${server.exitCode}; see ${logFile}`);
    try {
      if ((await fetch(`${baseURL}/api/health`)).ok) return { server, baseURL, logFile };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  server.kill('SIGTERM');
  throw new Error(`The server did not become healthy within 60 s; see ${logFile}`);
}
