import { existsSync, readFileSync } from 'node:fs';
/** True while a process with this pid exists (signal 0 probes without signalling). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when `pid` is (still) one of our job runners: a job worker or the CLI. Guards a kill by a
 * stored pid against pid reuse; where /proc is not available it cannot tell and says true.
 */
export function isJobRunner(pid: number): boolean {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ENOENT' || !existsSync('/proc/self');
  }
  return cmdline.includes('job-worker') || cmdline.includes('foresight');
}
