/**
 * The command block: how the calling thread hands a training job to a worker without
 * postMessage per job (whose cloning of every shared array cost ~0.3 ms per node). Each training
 * worker runs a blocking loop on its own Int32Array on shared memory (worker-source.ts); a job
 * costs a few stores and one Atomics.notify. Arrays reach a worker once, through a MessagePort it
 * drains synchronously (receiveMessageOnPort) before each job, and are then named by id; each
 * worker keeps at most KEPT_ARRAYS of them (least recently used are dropped).
 *
 * A job is run by whichever thread claims it first (compare and exchange on SLOT.claimed): when
 * the calling thread is done with its own share and the worker has not started (asleep, or its
 * core taken by another process), the caller runs the job itself with the same code and
 * arguments instead of waiting. This file is the calling thread's side; the worker's side is the
 * loop in worker-source.ts, which reads the same slot numbers.
 */
import type { MessagePort, Worker } from 'node:worker_threads';

/** Slot numbers of a command block (Int32). */
export const SLOT = Object.freeze({
  /** Job sequence number; -1 tells the worker to stop. */
  seq: 0,
  /** Sequence number of the last job finished (run, skipped or failed). */
  done: 1,
  /** Set when a job failed (the caller redoes the whole job on its thread). */
  failed: 2,
  /** The job's kind: its index in worker-source.ts JOB_KINDS. */
  kind: 3,
  /** First of the job's NUMBER_COUNT numbers. */
  numbers: 4,
  /** First of the job's ARRAY_COUNT array ids (0 = none). */
  arrays: 9,
  /** A job's result (a partition's left count). */
  result: 15,
  /** Set once the worker runs (until then, and if its code failed to load, jobs stay on the caller). */
  ready: 16,
  /** Sequence number of the last job claimed, by either side. */
  claimed: 17,
  /** Jobs this worker claimed and ran without failing (the pool's proof that a worker worked). */
  ran: 18,
});
export const NUMBER_COUNT = 5;
export const ARRAY_COUNT = 6;
export const COMMAND_SLOTS = 19;
/** Polls of the command block before a thread sleeps on it (a few tens of microseconds). */
export const SPINS = 20_000;
/** Most arrays a training worker keeps registered. */
export const KEPT_ARRAYS = 32;

/** Counters the pool reports (see PoolStats in ./index.ts). */
export interface JobCounters {
  failures: number;
  runHere: number;
}

/** Ids of the arrays a pool has sent to its workers (one registry per pool). */
export class ArrayRegistry {
  private readonly ids = new WeakMap<object, number>();
  private next = 1;

  idOf(a: object): number {
    let id = this.ids.get(a);
    if (id === undefined) {
      id = this.next++;
      this.ids.set(a, id);
    }
    return id;
  }
}

/** The calling thread's handle on one training worker and its command block. */
export class CommandBlockWorker {
  /** Arrays the worker holds, by id, least recently used first. */
  private readonly known = new Map<number, object>();
  private seq = 0;
  /** A job was posted and not yet waited for (finish). */
  private pending = false;

  constructor(
    readonly worker: Worker,
    readonly command: Int32Array,
    private readonly port: MessagePort,
    private readonly registry: ArrayRegistry,
    private readonly counters: JobCounters,
  ) {}

  /** True once the worker's loop runs. */
  get ready(): boolean {
    return Atomics.load(this.command, SLOT.ready) === 1;
  }

  /** Jobs the worker itself ran. */
  get jobsRun(): number {
    return Atomics.load(this.command, SLOT.ran);
  }

  /** The result slot of the last job (a partition's left count). */
  get result(): number {
    return this.command[SLOT.result];
  }

  /** Waits up to `ms` for the worker's loop to start. */
  waitReady(ms: number): void {
    if (!this.ready) Atomics.wait(this.command, SLOT.ready, 0, ms);
  }

  /** Starts a job of `kind` with up to NUMBER_COUNT numbers and ARRAY_COUNT arrays (null = none). */
  post(kind: number, numbers: readonly number[], arrays: readonly (object | null)[]): void {
    this.settlePending();
    const c = this.command;
    c[SLOT.kind] = kind;
    for (let k = 0; k < NUMBER_COUNT; k++) c[SLOT.numbers + k] = numbers[k] ?? 0;
    for (let k = 0; k < ARRAY_COUNT; k++) {
      const a = arrays[k] ?? null;
      c[SLOT.arrays + k] = a === null ? 0 : this.arrayId(a);
    }
    this.seq++;
    this.pending = true;
    Atomics.store(c, SLOT.seq, this.seq);
    Atomics.notify(c, SLOT.seq);
  }

  /**
   * Waits for the last job; true when it did not fail. With `runHere` (the same job on this
   * thread), a job the worker has not claimed yet is claimed and run here instead.
   */
  finish(runHere?: () => void): boolean {
    const c = this.command;
    this.pending = false;
    if (runHere !== undefined && Atomics.load(c, SLOT.done) !== this.seq && Atomics.compareExchange(c, SLOT.claimed, this.seq - 1, this.seq) === this.seq - 1) {
      runHere();
      this.counters.runHere++;
      return true;
    }
    for (let spins = 0; spins < SPINS && Atomics.load(c, SLOT.done) !== this.seq; ) spins++;
    for (let done = Atomics.load(c, SLOT.done); done !== this.seq; done = Atomics.load(c, SLOT.done)) Atomics.wait(c, SLOT.done, done, 1000);
    if (Atomics.load(c, SLOT.failed) !== 0) {
      Atomics.store(c, SLOT.failed, 0);
      this.counters.failures++;
      return false;
    }
    return true;
  }

  /** Stops the worker's loop and the worker. */
  stop(): void {
    Atomics.store(this.command, SLOT.seq, -1);
    Atomics.notify(this.command, SLOT.seq);
    this.port.close();
    void this.worker.terminate();
  }

  /**
   * Settles a job that was posted but never waited for (its caller threw in between): claimed
   * here so the worker skips it, or waited for when the worker runs it already. Without this the
   * claim of every later job (compare-and-exchange from seq - 1) would fail on both sides, and
   * each job would be reported done without running.
   */
  private settlePending(): void {
    if (!this.pending) return;
    const c = this.command;
    if (Atomics.compareExchange(c, SLOT.claimed, this.seq - 1, this.seq) !== this.seq - 1) {
      for (let done = Atomics.load(c, SLOT.done); done !== this.seq; done = Atomics.load(c, SLOT.done)) Atomics.wait(c, SLOT.done, done, 1000);
    }
    Atomics.store(c, SLOT.failed, 0);
    this.pending = false;
  }

  /** The id under which the worker knows array a (sending it first if needed). */
  private arrayId(a: object): number {
    const id = this.registry.idOf(a);
    if (this.known.has(id)) {
      this.known.delete(id);
    } else {
      this.port.postMessage({ id, array: a });
      if (this.known.size >= KEPT_ARRAYS) {
        const oldest = this.known.keys().next().value as number;
        this.known.delete(oldest);
        this.port.postMessage({ id: oldest, array: null });
      }
    }
    this.known.set(id, a);
    return id;
  }
}
