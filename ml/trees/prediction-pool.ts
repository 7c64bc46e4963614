/**
 * Worker threads for tree ensembles (Node only: worker_threads), for batch prediction and for
 * histogram building during training. Results never depend on the thread count:
 *
 * - Prediction: the batch is cut into contiguous row chunks; every thread runs the very same
 *   `predictRows` function (its source is sent to the workers) on shared memory, and each row
 *   sums its trees in the same order whichever thread computes it.
 * - Training: a large node's histogram is cut by features; every feature's bins are summed by one
 *   thread, over the node's rows in the same order, with the same histogram code (packed
 *   histograms are exact integer sums anyway). Small nodes stay on the calling thread. Fitted
 *   models are byte-identical to single-threaded.
 *
 * The calling thread takes the first chunk and waits (Atomics.wait) for the others. The forest,
 * binned data, gradients, row indices and histograms already live on SharedArrayBuffer.
 * Import this file only from server or CLI code; the rest of `ml/` stays free of Node APIs.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { BOUNDS_STRIDE, binBoundsFromSorted, fitBoundsRange, midpoint, setBoundsFitter } from './binning';
import { predictRows, setParallelForestPredictor } from './forest';
import {
  buildFeatureHistogram,
  buildHistogram,
  buildHistogramFeatures,
  buildPackedHistogram,
  buildSparsePackedHistogram,
  setFeatureHistogramBuilder,
  setHistogramBuilder,
  setPackedHistogramBuilder,
  setSparsePackedHistogramBuilder,
} from './histogram';
import { partitionChunkApart, setChunkPartitioner } from './partition';
import { SCAN_SLOTS, scanPackedSplits, setPackedSplitScanner } from './split';
import { isShared } from './shared';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const predictRows = ${predictRows.toString()};
parentPort.on('message', (job) => {
  try {
    predictRows(job.forest, job.values, job.rows, job.from, job.to, job.base, job.scale, job.out);
  } catch (err) {
    Atomics.add(job.status, 1, 1);
  } finally {
    Atomics.add(job.status, 0, 1);
    Atomics.notify(job.status, 0);
  }
});
`;

export interface ParallelPredictionOptions {
  /** Threads including the calling one (default: available cores, at most 4). */
  threads?: number;
  /** Smaller batches stay on the calling thread (default 20,000 rows). */
  minRows?: number;
}

export interface ParallelTrainingOptions {
  /** Threads including the calling one (default: available cores, at most 4). */
  threads?: number;
  /** Nodes with fewer rows x features stay on the calling thread (default 10,000). */
  minWork?: number;
  /** Nodes with fewer rows are partitioned on the calling thread (default 5,000). */
  minPartitionRows?: number;
  /** Split searches over fewer histogram bins stay on the calling thread (default 2,000). */
  minScanBins?: number;
}

/** Prediction workers (message-driven; training has its own, see TRAINING_WORKER_SOURCE). */
let workers: Worker[] = [];
let predictionOn = false;
const stats = { batches: 0, histograms: 0, failures: 0, runHere: 0 };

/**
 * Work done on several threads, jobs a worker failed (then redone on one thread), and training
 * jobs the calling thread ran itself because the worker had not started them.
 */
export function parallelPredictionStats(): Readonly<{ batches: number; histograms: number; failures: number; runHere: number }> {
  return { ...stats };
}

function checkThreads(threads: number): number {
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new RangeError(`threads must be an integer in [1, 64], got ${threads}`);
  return threads;
}

/** Makes the pool hold threads - 1 workers (restarting it when the size changes). */
function ensureWorkers(threads: number): Worker[] {
  if (workers.length === threads - 1) return workers;
  for (const w of workers) void w.terminate();
  workers = Array.from({ length: threads - 1 }, () => {
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.unref();
    return w;
  });
  return workers;
}

function stopWorkersIfIdle(): void {
  if (predictionOn) return;
  for (const w of workers) void w.terminate();
  workers = [];
}

/** Waits until `posted` jobs reported on status[0]; true when none failed. */
function waitFor(status: Int32Array, posted: number): boolean {
  for (let done = Atomics.load(status, 0); done < posted; done = Atomics.load(status, 0)) {
    Atomics.wait(status, 0, done, 1000);
  }
  if (Atomics.load(status, 1) > 0) {
    stats.failures++;
    return false;
  }
  return true;
}

/**
 * Installs the multi-threaded predictor for every tree model's batch predict.
 * @throws RangeError on a bad thread count.
 */
export function enableParallelPrediction(options: ParallelPredictionOptions = {}): void {
  const threads = checkThreads(options.threads ?? Math.min(4, availableParallelism()));
  const minRows = options.minRows ?? 20_000;
  disableParallelPrediction();
  if (threads === 1) return;
  const pool = ensureWorkers(threads);
  predictionOn = true;
  // Each worker's rows are staged as a small column-major matrix of their own, in a shared buffer
  // reused across batches (copying a share costs a few percent of predicting it; a fresh shared
  // copy of the whole matrix per batch cost more than the prediction on the demo table); the
  // calling thread predicts its rows straight from the caller's arrays into `out`.
  const staging: Float64Array[] = [];
  const parts: Float64Array[] = [];
  const reuse = (list: Float64Array[], w: number, length: number) => {
    const have = list[w];
    if (have !== undefined && have.length >= length) return have.subarray(0, length);
    list[w] = new Float64Array(new SharedArrayBuffer(8 * length));
    return list[w];
  };
  setParallelForestPredictor((forest, values, rows, base, scale, out) => {
    if (rows < minRows || pool !== workers) return false;
    const cols = forest.cols;
    const status = new Int32Array(new SharedArrayBuffer(8));
    const chunk = Math.ceil(rows / threads);
    const jobs: { from: number; to: number; out: Float64Array }[] = [];
    for (let w = 0; w < pool.length; w++) {
      const from = (w + 1) * chunk;
      const to = Math.min(rows, from + chunk);
      if (from >= to) break;
      const m = to - from;
      const part = reuse(parts, w, m);
      const staged = reuse(staging, w, m * cols);
      for (let c = 0; c < cols; c++) staged.set(values.subarray(c * rows + from, c * rows + to), c * m);
      pool[w].postMessage({ kind: 'predict', forest, values: staged, rows: m, from: 0, to: m, base, scale, out: part, status });
      jobs.push({ from, to, out: part });
    }
    predictRows(forest, values, rows, 0, Math.min(rows, chunk), base, scale, out);
    if (!waitFor(status, jobs.length)) return false;
    stats.batches++;
    for (const job of jobs) out.set(job.out, job.from);
    return true;
  });
}

/** Returns batch prediction to the calling thread. */
export function disableParallelPrediction(): void {
  setParallelForestPredictor(null);
  predictionOn = false;
  stopWorkersIfIdle();
}

/**
 * Training workers run a blocking loop on a shared command block instead of waiting for messages:
 * a histogram job costs a few stores and one Atomics.notify, not a postMessage (whose cloning of
 * every shared array cost ~0.3 ms per node). Arrays reach a worker once, through a MessagePort it
 * drains synchronously (receiveMessageOnPort) before each job, and are then named by id; each
 * worker keeps at most KEPT_ARRAYS of them (least recently used are dropped).
 *
 * Command block (Int32): [0] job sequence (-1 = stop), [1] last finished sequence, [2] failure
 * flag, [3] kind, [4..8] the job's numbers, [9..14] its arrays' ids, [15] a result, [16] set
 * once the worker runs (until then, and if its code failed to load, jobs stay on the caller),
 * [17] the last claimed sequence. A job is run by whichever thread claims it first (compare and
 * exchange on [17]): when the calling thread is done with its own share and the worker has not
 * started (asleep, or its core taken by another process), the caller runs the job itself with
 * the same code and arguments instead of waiting.
 * Histogram jobs: cols, start, end, from, to; binIndex, gradHess or packed values, idx, hist,
 * offsets, features. Partition jobs: colBase, from, to, bin, missingLeft; columns, idx, scratch.
 * Split scans: from, to, result slot; hist, offsets, valueBins, features, params, results.
 * Sparse packed histograms: start, end; sparseIndex, rowStart, packed values, idx, hist.
 */
/** Polls of the command block before a thread sleeps on it (a few tens of microseconds). */
const SPINS = 20_000;
const TRAINING_WORKER_SOURCE = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const SPINS = ${SPINS};
const buildHistogramFeatures = ${buildHistogramFeatures.toString()};
const buildFeatureHistogram = ${buildFeatureHistogram.toString()};
const buildPackedHistogram = ${buildPackedHistogram.toString()};
const buildSparsePackedHistogram = ${buildSparsePackedHistogram.toString()};
const partitionChunkApart = ${partitionChunkApart.toString()};
const scanPackedSplits = ${scanPackedSplits.toString()};
const midpoint = ${midpoint.toString()};
const binBoundsFromSorted = ${binBoundsFromSorted.toString()};
const fitBoundsRange = ${fitBoundsRange.toString()};
const { command, port } = workerData;
const arrays = new Map();
let seen = 0;
Atomics.store(command, 16, 1);
Atomics.notify(command, 16);
for (;;) {
  const seq = Atomics.load(command, 0);
  if (seq < 0) break;
  if (seq === seen) {
    // Jobs come every few hundred microseconds while a tree grows: poll briefly before sleeping.
    let spins = 0;
    while (spins < SPINS && Atomics.load(command, 0) === seq) spins++;
    if (spins === SPINS) Atomics.wait(command, 0, seq, 1000);
    continue;
  }
  seen = seq;
  try {
    for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
      if (m.message.array === null) arrays.delete(m.message.id);
      else arrays.set(m.message.id, m.message.array);
    }
  } catch (err) {
    Atomics.store(command, 2, 1);
  }
  // Claim the job; the calling thread may have claimed (and run) it already.
  if (Atomics.compareExchange(command, 17, seq - 1, seq) !== seq - 1) {
    Atomics.store(command, 1, seq);
    Atomics.notify(command, 1);
    continue;
  }
  try {
    const kind = command[3];
    const at = (k) => arrays.get(command[k]);
    if (kind === 0) buildHistogramFeatures(at(9), command[4], at(10), at(11), command[5], command[6], command[7], command[8], at(12));
    else if (kind === 1) buildPackedHistogram(at(9), command[4], at(10), at(11), command[5], command[6], command[7], command[8], at(12));
    else if (kind === 3) command[15] = partitionChunkApart(at(9), command[4], command[7], command[8], at(10), at(11), command[5], command[6]);
    else if (kind === 5) buildSparsePackedHistogram(at(9), at(10), at(11), at(12), command[4], command[5], at(13));
    else if (kind === 6) fitBoundsRange(at(9), command[4], command[5], command[6], command[7], command[8], at(10), at(11));
    else if (kind === 4) scanPackedSplits(at(9), at(10), at(11), at(12), command[4], command[5], at(13), at(14), command[6]);
    else buildFeatureHistogram(at(9), command[4], at(13), at(10), at(11), command[5], command[6], at(14), command[7], command[8], at(12));
  } catch (err) {
    Atomics.store(command, 2, 1);
  }
  Atomics.store(command, 1, seq);
  Atomics.notify(command, 1);
}
`;

/** Most arrays a training worker keeps registered. */
const KEPT_ARRAYS = 32;
const JOB_FULL = 0;
const JOB_PACKED = 1;
const JOB_FEATURES = 2;
const JOB_PARTITION = 3;
const JOB_SCAN = 4;
const JOB_SPARSE = 5;
const JOB_BOUNDS = 6;

interface TrainingWorker {
  readonly worker: Worker;
  readonly command: Int32Array;
  readonly port: MessagePort;
  /** Arrays the worker holds, by id, least recently used first. */
  readonly known: Map<number, object>;
  seq: number;
  /** A job was posted and not yet waited for (finish). */
  pending: boolean;
}

let trainers: TrainingWorker[] = [];
const arrayIds = new WeakMap<object, number>();
let nextArrayId = 1;

function startTrainer(): TrainingWorker {
  const command = new Int32Array(new SharedArrayBuffer(18 * 4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(TRAINING_WORKER_SOURCE, { eval: true, workerData: { command, port: port2 }, transferList: [port2] });
  worker.unref();
  port1.unref();
  return { worker, command, port: port1, known: new Map(), seq: 0, pending: false };
}

function stopTrainers(): void {
  for (const t of trainers) {
    Atomics.store(t.command, 0, -1);
    Atomics.notify(t.command, 0);
    t.port.close();
    void t.worker.terminate();
  }
  trainers = [];
}

/** The id under which worker t knows array a (sending it first if needed). */
function arrayId(t: TrainingWorker, a: object): number {
  let id = arrayIds.get(a);
  if (id === undefined) {
    id = nextArrayId++;
    arrayIds.set(a, id);
  }
  if (t.known.has(id)) {
    t.known.delete(id);
  } else {
    t.port.postMessage({ id, array: a });
    if (t.known.size >= KEPT_ARRAYS) {
      const oldest = t.known.keys().next().value as number;
      t.known.delete(oldest);
      t.port.postMessage({ id: oldest, array: null });
    }
  }
  t.known.set(id, a);
  return id;
}

/**
 * Settles a job of worker t that was posted but never waited for (its caller threw in between):
 * claimed here so the worker skips it, or waited for when the worker runs it already. Without
 * this the claim of every later job (compare-and-exchange from seq - 1) would fail on both sides,
 * and each job would be reported done without running.
 */
function settlePending(t: TrainingWorker): void {
  if (!t.pending) return;
  const c = t.command;
  if (Atomics.compareExchange(c, 17, t.seq - 1, t.seq) !== t.seq - 1) {
    for (let done = Atomics.load(c, 1); done !== t.seq; done = Atomics.load(c, 1)) Atomics.wait(c, 1, done, 1000);
  }
  Atomics.store(c, 2, 0);
  t.pending = false;
}

/** Starts a job on worker t with five numbers and its arrays (see the command block layout). */
function post(t: TrainingWorker, kind: number, numbers: readonly number[], arrays: readonly (object | null)[]): void {
  settlePending(t);
  const c = t.command;
  c[3] = kind;
  for (let k = 0; k < 5; k++) c[4 + k] = numbers[k];
  for (let k = 0; k < arrays.length; k++) {
    const a = arrays[k];
    c[9 + k] = a === null ? 0 : arrayId(t, a);
  }
  t.seq++;
  t.pending = true;
  Atomics.store(c, 0, t.seq);
  Atomics.notify(c, 0);
}

/**
 * Waits for worker t's last job; true when it did not fail. With `runHere` (the same job on this
 * thread), a job the worker has not claimed yet is claimed and run here instead.
 */
function finish(t: TrainingWorker, runHere?: () => void): boolean {
  const c = t.command;
  t.pending = false;
  if (runHere !== undefined && Atomics.load(c, 1) !== t.seq && Atomics.compareExchange(c, 17, t.seq - 1, t.seq) === t.seq - 1) {
    runHere();
    stats.runHere++;
    return true;
  }
  for (let spins = 0; spins < SPINS && Atomics.load(c, 1) !== t.seq; ) spins++;
  for (let done = Atomics.load(c, 1); done !== t.seq; done = Atomics.load(c, 1)) Atomics.wait(c, 1, done, 1000);
  if (Atomics.load(c, 2) !== 0) {
    Atomics.store(c, 2, 0);
    stats.failures++;
    return false;
  }
  return true;
}

/**
 * Runs `count` units of work (features, or sampled-feature positions) cut into one contiguous
 * range per thread: the workers take the later ranges, the calling thread the first. Returns false
 * when a worker failed (the caller then redoes the whole job on this thread).
 */
function splitAcross(
  pool: readonly TrainingWorker[],
  threads: number,
  count: number,
  kind: number,
  cols: number,
  start: number,
  end: number,
  arrays: readonly (object | null)[],
  runLocal: (from: number, to: number) => void,
): boolean {
  const parts = Math.min(threads, count);
  const per = Math.ceil(count / parts);
  let posted = 0;
  for (let w = 0; w < parts - 1; w++) {
    const from = (w + 1) * per;
    const to = Math.min(count, from + per);
    if (from >= to) break;
    post(pool[w], kind, [cols, start, end, from, to], arrays);
    posted++;
  }
  runLocal(0, Math.min(count, per));
  let ok = true;
  for (let w = 0; w < posted; w++) {
    const from = (w + 1) * per;
    if (!finish(pool[w], () => runLocal(from, Math.min(count, from + per)))) ok = false;
  }
  if (ok) stats.histograms++;
  return ok;
}

/**
 * Installs the multi-threaded histogram builders used while growing trees (fitted models are
 * identical to single-threaded ones).
 * @throws RangeError on a bad thread count.
 */
export function enableParallelTraining(options: ParallelTrainingOptions = {}): void {
  const threads = checkThreads(options.threads ?? Math.min(4, availableParallelism()));
  const minWork = options.minWork ?? 10_000;
  const minPartitionRows = options.minPartitionRows ?? 5_000;
  const minScanBins = options.minScanBins ?? 2_000;
  disableParallelTraining();
  if (threads === 1) return;
  const pool = Array.from({ length: threads - 1 }, startTrainer);
  trainers = pool;
  // Wait (up to 2 s each) for the workers to run, so the first fit already uses them.
  for (const t of pool) if (Atomics.load(t.command, 16) !== 1) Atomics.wait(t.command, 16, 0, 2000);
  const ready = () => pool === trainers && pool.every((t) => Atomics.load(t.command, 16) === 1);
  const usable = (...arrays: { buffer: ArrayBufferLike }[]) => ready() && arrays.every(isShared);
  setHistogramBuilder((binIndex, cols, gradHess, idx, start, end, hist) => {
    if ((end - start) * cols >= minWork && cols >= 2 && usable(binIndex, gradHess, idx, hist)) {
      const local = (from: number, to: number) => buildHistogramFeatures(binIndex, cols, gradHess, idx, start, end, from, to, hist);
      if (splitAcross(pool, threads, cols, JOB_FULL, cols, start, end, [binIndex, gradHess, idx, hist, null, null], local)) return;
      hist.fill(0);
    }
    buildHistogram(binIndex, cols, gradHess, idx, start, end, hist);
  });
  // Packed histograms are cut by rows, not features: every thread reads whole rows (half the
  // memory traffic of a feature cut, where both threads pull every row's cache lines) into its
  // own histogram, and the integer sums are added exactly whatever the cut.
  const partials = new Map<number, Float64Array[]>();
  const byRows = (
    start: number,
    end: number,
    hist: Float64Array,
    postPart: (t: TrainingWorker, from: number, to: number, part: Float64Array) => void,
    runPart: (from: number, to: number, part: Float64Array) => void,
  ): boolean => {
    let mine = partials.get(hist.length);
    if (mine === undefined) {
      mine = pool.map(() => new Float64Array(new SharedArrayBuffer(8 * hist.length)));
      partials.set(hist.length, mine);
    }
    const per = Math.ceil((end - start) / threads);
    let posted = 0;
    for (let w = 0; w < pool.length; w++) {
      const from = start + (w + 1) * per;
      const to = Math.min(end, from + per);
      if (from >= to) break;
      postPart(pool[w], from, to, mine[w]);
      posted++;
    }
    runPart(start, Math.min(end, start + per), hist);
    let ok = true;
    for (let w = 0; w < posted; w++) {
      const from = start + (w + 1) * per;
      if (!finish(pool[w], () => runPart(from, Math.min(end, from + per), mine[w]))) ok = false;
    }
    for (let w = 0; w < posted; w++) {
      const part = mine[w];
      // Adds the worker's sums and leaves its buffer zeroed for the next node.
      for (let k = 0; k < part.length; k++) {
        hist[k] += part[k];
        part[k] = 0;
      }
    }
    if (ok) stats.histograms++;
    else hist.fill(0);
    return ok;
  };
  setPackedHistogramBuilder((binIndex, cols, packed, idx, start, end, hist) => {
    if (
      (end - start) * cols >= minWork &&
      usable(binIndex, packed, idx, hist) &&
      byRows(
        start,
        end,
        hist,
        (t, from, to, part) => post(t, JOB_PACKED, [cols, from, to, 0, cols], [binIndex, packed, idx, part, null, null]),
        (from, to, part) => buildPackedHistogram(binIndex, cols, packed, idx, from, to, 0, cols, part),
      )
    ) {
      return;
    }
    buildPackedHistogram(binIndex, cols, packed, idx, start, end, 0, cols, hist);
  });
  setSparsePackedHistogramBuilder((sparseIndex, rowStart, packed, idx, start, end, hist) => {
    const perRow = sparseIndex.length / Math.max(1, rowStart.length - 1);
    if (
      (end - start) * perRow >= minWork &&
      usable(sparseIndex, rowStart, packed, idx, hist) &&
      byRows(
        start,
        end,
        hist,
        (t, from, to, part) => post(t, JOB_SPARSE, [from, to, 0, 0, 0], [sparseIndex, rowStart, packed, idx, part, null]),
        (from, to, part) => buildSparsePackedHistogram(sparseIndex, rowStart, packed, idx, from, to, part),
      )
    ) {
      return;
    }
    buildSparsePackedHistogram(sparseIndex, rowStart, packed, idx, start, end, hist);
  });
  setFeatureHistogramBuilder((binIndex, cols, offsets, gradHess, idx, start, end, features, featureCount, hist) => {
    if ((end - start) * featureCount >= minWork && featureCount >= 2 && usable(binIndex, gradHess, idx, hist, offsets, features)) {
      const local = (from: number, to: number) => buildFeatureHistogram(binIndex, cols, offsets, gradHess, idx, start, end, features, from, to, hist);
      const arrays = [binIndex, gradHess, idx, hist, offsets, features];
      if (splitAcross(pool, threads, featureCount, JOB_FEATURES, cols, start, end, arrays, local)) return;
    }
    // Zeroes the listed features' slices itself, so a failed parallel attempt needs no cleanup.
    buildFeatureHistogram(binIndex, cols, offsets, gradHess, idx, start, end, features, 0, featureCount, hist);
  });
  // Split search over a packed histogram: the candidate features cut into one range per thread
  // of about equal bin counts; merged in feature order ("higher score wins, ties keep the earlier
  // range"), which is the single scan's choice.
  const scanParts = new Float64Array(new SharedArrayBuffer(8 * SCAN_SLOTS * threads));
  const cuts = new Int32Array(threads + 1);
  setPackedSplitScanner((hist, offsets, valueBins, features, featureCount, params, out) => {
    const totalBins = (offsets[features[featureCount - 1] + 1] - offsets[features[0]]) >> 1;
    if (featureCount < 2 || totalBins < minScanBins || !usable(hist, offsets, valueBins, features, params)) {
      scanPackedSplits(hist, offsets, valueBins, features, 0, featureCount, params, out, 0);
      return;
    }
    const parts = Math.min(threads, featureCount);
    cuts[0] = 0;
    let j = 0;
    for (let p = 1; p < parts; p++) {
      const target = offsets[features[0]] + 2 * Math.round((totalBins * p) / parts);
      while (j < featureCount - 1 && offsets[features[j]] < target) j++;
      cuts[p] = Math.max(j, cuts[p - 1] + 1);
    }
    cuts[parts] = featureCount;
    let posted = 0;
    for (let p = 1; p < parts; p++) {
      if (cuts[p] >= cuts[p + 1]) continue;
      post(pool[p - 1], JOB_SCAN, [cuts[p], cuts[p + 1], p * SCAN_SLOTS, 0, 0], [hist, offsets, valueBins, features, params, scanParts]);
      posted = p;
    }
    scanPackedSplits(hist, offsets, valueBins, features, 0, cuts[1], params, scanParts, 0);
    let ok = true;
    for (let p = 1; p <= posted; p++) {
      if (cuts[p] >= cuts[p + 1]) continue;
      const from = cuts[p];
      const to = cuts[p + 1];
      const at = p * SCAN_SLOTS;
      if (!finish(pool[p - 1], () => scanPackedSplits(hist, offsets, valueBins, features, from, to, params, scanParts, at))) ok = false;
    }
    if (!ok) {
      scanPackedSplits(hist, offsets, valueBins, features, 0, featureCount, params, out, 0);
      return;
    }
    let best = 0;
    for (let p = 1; p <= posted; p++) if (cuts[p] < cuts[p + 1] && scanParts[p * SCAN_SLOTS] > scanParts[best * SCAN_SLOTS]) best = p;
    for (let k = 0; k < SCAN_SLOTS; k++) out[k] = scanParts[best * SCAN_SLOTS + k];
  });
  // Bin bounds: every other column goes to the first worker, as a copy of its sampled rows (the
  // same values in the same order, so the same bounds); the calling thread fits the others.
  // Alternate columns, not halves: neighbouring columns tend to cost alike (sorted or not).
  setBoundsFitter((values, rows, cols, maxBins, sampleRows, out, counts) => {
    if (cols < 2 || !ready()) return false;
    const k = cols >> 1;
    const stride = rows > sampleRows ? rows / sampleRows : 1;
    const take = rows > sampleRows ? sampleRows : rows;
    const sample = new Float64Array(new SharedArrayBuffer(8 * take * k));
    for (let j = 0; j < k; j++) {
      const base = (2 * j + 1) * rows;
      const at = j * take;
      if (stride === 1) sample.set(values.subarray(base, base + take), at);
      else for (let i = 0; i < take; i++) sample[at + i] = values[base + Math.floor(i * stride)];
    }
    const partOut = new Float64Array(new SharedArrayBuffer(8 * BOUNDS_STRIDE * k));
    const partCounts = new Int32Array(new SharedArrayBuffer(4 * k));
    post(pool[0], JOB_BOUNDS, [take, 0, k, maxBins, take], [sample, partOut, partCounts]);
    for (let c = 0; c < cols; c += 2) fitBoundsRange(values, rows, c, c + 1, maxBins, sampleRows, out, counts);
    if (!finish(pool[0], () => fitBoundsRange(sample, take, 0, k, maxBins, take, partOut, partCounts))) return false;
    for (let j = 0; j < k; j++) {
      const c = 2 * j + 1;
      out.set(partOut.subarray(j * BOUNDS_STRIDE, (j + 1) * BOUNDS_STRIDE), c * BOUNDS_STRIDE);
      counts[c] = partCounts[j];
    }
    return true;
  });
  const partitioner = pool[0];
  let partitionHere: () => number = () => -1;
  let leftHere = -1;
  setChunkPartitioner({
    minRows: minPartitionRows,
    start(columns, colBase, bin, missingLeft, idx, scratch, from, to) {
      if (!usable(columns, idx, scratch)) return false;
      post(partitioner, JOB_PARTITION, [colBase, from, to, bin, missingLeft], [columns, idx, scratch]);
      partitionHere = () => partitionChunkApart(columns, colBase, bin, missingLeft, idx, scratch, from, to);
      return true;
    },
    finish() {
      leftHere = -1;
      if (!finish(partitioner, () => (leftHere = partitionHere()))) return -1;
      return leftHere >= 0 ? leftHere : partitioner.command[15];
    },
  });
}

/** Returns histogram building to the calling thread and stops the training workers. */
export function disableParallelTraining(): void {
  setHistogramBuilder(null);
  setPackedHistogramBuilder(null);
  setFeatureHistogramBuilder(null);
  setChunkPartitioner(null);
  setPackedSplitScanner(null);
  setSparsePackedHistogramBuilder(null);
  setBoundsFitter(null);
  stopTrainers();
}
