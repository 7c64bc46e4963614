/**
 * Training kernels on worker threads: a large node's histogram, split scan and partition, and the
 * fit's bin bounds, cut among the calling thread and the pool's workers. Every number is computed
 * by the same kernel in the same order as on one thread (a feature's bins summed by one thread in
 * row order; packed histograms are exact integer sums whatever the cut; split scans merge in
 * feature order), so fitted models are byte-identical to SERIAL_KERNELS'. Small nodes stay on the
 * calling thread. The binned data, gradients, row indices and histograms already live on
 * SharedArrayBuffer (shared.ts).
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import { BOUNDS_STRIDE, fitBoundsRange } from '../binning';
import { buildFeatureHistogram, buildHistogram, buildHistogramFeatures, buildPackedHistogram, buildSparsePackedHistogram } from '../histogram';
import type { TreeKernels } from '../kernels';
import { partitionChunkApart } from '../partition';
import { isShared } from '../shared';
import { SCAN_SLOTS, scanPackedSplits } from '../split';
import { ArrayRegistry, COMMAND_SLOTS, CommandBlockWorker, type JobCounters } from './command-block';
import { JOB, TRAINING_WORKER_SOURCE } from './worker-source';

export interface TrainingPoolOptions {
  /** Threads including the calling one, 2..64. */
  threads: number;
  /** Nodes with fewer rows x features stay on the calling thread (default 10,000). */
  minWork?: number;
  /** Nodes with fewer rows are partitioned on the calling thread (default 5,000). */
  minPartitionRows?: number;
  /** Split searches over fewer histogram bins stay on the calling thread (default 2,000). */
  minScanBins?: number;
  /**
   * A job a worker has not started when the calling thread is done with its share is run by the
   * calling thread instead (default true); false always waits for the worker. Same results.
   */
  takeBack?: boolean;
}

/** The training kernels of a pool (TreeKernels less batch prediction). */
export type TrainingKernels = Omit<TreeKernels, 'predictForest'>;

export interface TrainingPool {
  readonly kernels: TrainingKernels;
  /** Node histograms built on several threads (after any fallback). */
  histograms(): number;
  /** Jobs each worker claimed and ran itself. */
  jobsByWorker(): number[];
  readonly counters: Readonly<JobCounters>;
  /** Stops the workers; the kernels then run everything on the calling thread. */
  close(): void;
}

function startWorker(registry: ArrayRegistry, counters: JobCounters): CommandBlockWorker {
  const command = new Int32Array(new SharedArrayBuffer(COMMAND_SLOTS * 4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(TRAINING_WORKER_SOURCE, { eval: true, workerData: { command, port: port2 }, transferList: [port2] });
  worker.unref();
  port1.unref();
  return new CommandBlockWorker(worker, command, port1, registry, counters);
}

/** Starts threads - 1 training workers and the kernels that use them. */
export function createTrainingPool(options: TrainingPoolOptions): TrainingPool {
  const { threads } = options;
  const minWork = options.minWork ?? 10_000;
  const minPartitionRows = options.minPartitionRows ?? 5_000;
  const minScanBins = options.minScanBins ?? 2_000;
  const takeBack = options.takeBack ?? true;
  /** Waits for worker t's job, or runs it here (see takeBack); false when it failed. */
  const finish = (t: CommandBlockWorker, runHere: () => void): boolean => t.finish(takeBack ? runHere : undefined);
  const counters: JobCounters = { failures: 0, runHere: 0 };
  let histograms = 0;
  const registry = new ArrayRegistry();
  const pool = Array.from({ length: threads - 1 }, () => startWorker(registry, counters));
  let open = true;
  // Wait (up to 2 s each) for the workers to run, so the first fit already uses them.
  for (const t of pool) t.waitReady(2000);
  const ready = () => open && pool.every((t) => t.ready);
  const usable = (...arrays: { buffer: ArrayBufferLike }[]) => ready() && arrays.every(isShared);

  /**
   * Runs `count` units of work (features, or sampled-feature positions) cut into one contiguous
   * range per thread: the workers take the later ranges, the calling thread the first. Returns
   * false when a worker failed (the caller then redoes the whole job on this thread).
   */
  const splitAcross = (
    count: number,
    kind: number,
    cols: number,
    start: number,
    end: number,
    arrays: readonly (object | null)[],
    runLocal: (from: number, to: number) => void,
  ): boolean => {
    const parts = Math.min(threads, count);
    const per = Math.ceil(count / parts);
    let posted = 0;
    for (let w = 0; w < parts - 1; w++) {
      const from = (w + 1) * per;
      const to = Math.min(count, from + per);
      if (from >= to) break;
      pool[w].post(kind, [cols, start, end, from, to], arrays);
      posted++;
    }
    runLocal(0, Math.min(count, per));
    let ok = true;
    for (let w = 0; w < posted; w++) {
      const from = (w + 1) * per;
      if (!finish(pool[w], () => runLocal(from, Math.min(count, from + per)))) ok = false;
    }
    if (ok) histograms++;
    return ok;
  };

  // Packed histograms are cut by rows, not features: every thread reads whole rows (half the
  // memory traffic of a feature cut, where both threads pull every row's cache lines) into its
  // own histogram, and the integer sums are added exactly whatever the cut.
  const partials = new Map<number, Float64Array[]>();
  const byRows = (
    start: number,
    end: number,
    hist: Float64Array,
    postPart: (t: CommandBlockWorker, from: number, to: number, part: Float64Array) => void,
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
    if (ok) histograms++;
    else hist.fill(0);
    return ok;
  };

  // Split search over a packed histogram: the candidate features cut into one range per thread
  // of about equal bin counts; merged in feature order ("higher score wins, ties keep the earlier
  // range"), which is the single scan's choice.
  const scanParts = new Float64Array(new SharedArrayBuffer(8 * SCAN_SLOTS * threads));
  const cuts = new Int32Array(threads + 1);

  const partitioner = pool[0];
  let partitionHere: () => number = () => -1;
  let leftHere = -1;

  const kernels: TrainingKernels = {
    histogram(binIndex, cols, gradHess, idx, start, end, hist) {
      if ((end - start) * cols >= minWork && cols >= 2 && usable(binIndex, gradHess, idx, hist)) {
        const local = (from: number, to: number) => buildHistogramFeatures(binIndex, cols, gradHess, idx, start, end, from, to, hist);
        if (splitAcross(cols, JOB.histogram, cols, start, end, [binIndex, gradHess, idx, hist, null, null], local)) return;
        hist.fill(0);
      }
      buildHistogram(binIndex, cols, gradHess, idx, start, end, hist);
    },
    packedHistogram(binIndex, cols, packed, idx, start, end, hist) {
      if (
        (end - start) * cols >= minWork &&
        usable(binIndex, packed, idx, hist) &&
        byRows(
          start,
          end,
          hist,
          (t, from, to, part) => t.post(JOB.packedHistogram, [cols, from, to, 0, cols], [binIndex, packed, idx, part, null, null]),
          (from, to, part) => buildPackedHistogram(binIndex, cols, packed, idx, from, to, 0, cols, part),
        )
      ) {
        return;
      }
      buildPackedHistogram(binIndex, cols, packed, idx, start, end, 0, cols, hist);
    },
    sparsePackedHistogram(sparseIndex, rowStart, packed, idx, start, end, hist) {
      const perRow = sparseIndex.length / Math.max(1, rowStart.length - 1);
      if (
        (end - start) * perRow >= minWork &&
        usable(sparseIndex, rowStart, packed, idx, hist) &&
        byRows(
          start,
          end,
          hist,
          (t, from, to, part) => t.post(JOB.sparsePackedHistogram, [from, to, 0, 0, 0], [sparseIndex, rowStart, packed, idx, part, null]),
          (from, to, part) => buildSparsePackedHistogram(sparseIndex, rowStart, packed, idx, from, to, part),
        )
      ) {
        return;
      }
      buildSparsePackedHistogram(sparseIndex, rowStart, packed, idx, start, end, hist);
    },
    featureHistogram(binIndex, cols, offsets, gradHess, idx, start, end, features, featureCount, hist) {
      if ((end - start) * featureCount >= minWork && featureCount >= 2 && usable(binIndex, gradHess, idx, hist, offsets, features)) {
        const local = (from: number, to: number) => buildFeatureHistogram(binIndex, cols, offsets, gradHess, idx, start, end, features, from, to, hist);
        const arrays = [binIndex, gradHess, idx, hist, offsets, features];
        if (splitAcross(featureCount, JOB.featureHistogram, cols, start, end, arrays, local)) return;
      }
      // Zeroes the listed features' slices itself, so a failed parallel attempt needs no cleanup.
      buildFeatureHistogram(binIndex, cols, offsets, gradHess, idx, start, end, features, 0, featureCount, hist);
    },
    packedSplitScan(hist, offsets, valueBins, features, featureCount, params, out) {
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
        pool[p - 1].post(JOB.packedSplitScan, [cuts[p], cuts[p + 1], p * SCAN_SLOTS, 0, 0], [hist, offsets, valueBins, features, params, scanParts]);
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
    },
    partitioner: {
      minRows: minPartitionRows,
      start(columns, colBase, bin, missingLeft, idx, scratch, from, to) {
        if (!usable(columns, idx, scratch)) return false;
        partitioner.post(JOB.partition, [colBase, from, to, bin, missingLeft], [columns, idx, scratch]);
        partitionHere = () => partitionChunkApart(columns, colBase, bin, missingLeft, idx, scratch, from, to);
        return true;
      },
      finish() {
        leftHere = -1;
        if (!finish(partitioner, () => (leftHere = partitionHere()))) return -1;
        return leftHere >= 0 ? leftHere : partitioner.result;
      },
    },
    // Bin bounds: every other column goes to the first worker, as a copy of its sampled rows (the
    // same values in the same order, so the same bounds); the calling thread fits the others.
    // Alternate columns, not halves: neighbouring columns tend to cost alike (sorted or not).
    binBounds(values, rows, cols, maxBins, sampleRows, out, counts) {
      if (cols < 2 || !ready() || !fitBoundsOnWorker(values, rows, cols, maxBins, sampleRows, out, counts)) {
        fitBoundsRange(values, rows, 0, cols, maxBins, sampleRows, out, counts);
      }
    },
  };

  /** binBounds' parallel form; false when the worker failed (nothing of `out` is to be trusted). */
  function fitBoundsOnWorker(values: Float64Array, rows: number, cols: number, maxBins: number, sampleRows: number, out: Float64Array, counts: Int32Array): boolean {
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
    pool[0].post(JOB.binBounds, [take, 0, k, maxBins, take], [sample, partOut, partCounts]);
    for (let c = 0; c < cols; c += 2) fitBoundsRange(values, rows, c, c + 1, maxBins, sampleRows, out, counts);
    if (!finish(pool[0], () => fitBoundsRange(sample, take, 0, k, maxBins, take, partOut, partCounts))) return false;
    for (let j = 0; j < k; j++) {
      const c = 2 * j + 1;
      out.set(partOut.subarray(j * BOUNDS_STRIDE, (j + 1) * BOUNDS_STRIDE), c * BOUNDS_STRIDE);
      counts[c] = partCounts[j];
    }
    return true;
  }

  return {
    kernels: Object.freeze(kernels),
    counters,
    histograms: () => histograms,
    jobsByWorker: () => pool.map((t) => t.jobsRun),
    close() {
      if (!open) return;
      open = false;
      for (const t of pool) t.stop();
    },
  };
}
