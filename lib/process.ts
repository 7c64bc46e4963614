// Raw fs, not lib/storage: /proc describes the machine's processes, it is not stored state.
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

/** A process as a job record names it: its pid and when it started, since pids are reused (a container's server is pid 1 after every restart). */
export interface ProcessIdentity {
  pid: number;
  /** Epoch milliseconds when the process started. */
  startedAt: number;
}

const processStartedAt = () => Date.now() - process.uptime() * 1000;

/** This process's identity (the same in every module layer and thread of the process). */
export function currentProcess(): ProcessIdentity {
  return { pid: process.pid, startedAt: Math.round(processStartedAt()) };
}

/**
 * True while the process named by `id` still runs. Our own pid counts only with our own start time
 * (within 2 s: the start time is derived from the uptime, to the millisecond); another pid is
 * probed as `processAlive` does.
 */
export function processStillRunning(id: ProcessIdentity): boolean {
  if (id.pid === process.pid) return Math.abs(id.startedAt - processStartedAt()) < 2_000;
  return processAlive(id.pid);
}
