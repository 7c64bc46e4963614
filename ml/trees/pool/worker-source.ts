/**
 * What the worker threads run: the very kernels of the calling thread (their source is sent, as
 * every kernel is self-contained), so a share computed on a worker is the number the calling
 * thread would have computed.
 *
 * Training jobs are a table: a job's kind is its index in JOB_TABLE, whose entry names the
 * kernel and how the job's numbers and arrays (command-block.ts) map to its arguments. The
 * worker loop looks the kind up; adding a job is one entry here and its post on the calling side
 * (training-pool.ts).
 */
import { binBoundsFromSorted, fitBoundsRange, midpoint } from '../binning';
import { predictRows } from '../forest';
import { buildFeatureHistogram, buildHistogramFeatures, buildPackedHistogram, buildSparsePackedHistogram } from '../histogram';
import { partitionChunkApart } from '../partition';
import { scanPackedSplits } from '../split';
import { SLOT, SPINS } from './command-block';

/** A job's k-th number and k-th array (typed by the kernel argument it fills). */
type JobNumber = (k: number) => number;
type JobArray = <T>(k: number) => T;

interface JobKind<K> {
  readonly kernel: K;
  /**
   * Calls the kernel with the job's numbers n(0..4) and arrays a(0..5); a number it returns is
   * the job's result. Self-contained: its source runs in the worker.
   */
  readonly run: (kernel: K, n: JobNumber, a: JobArray) => number | void;
}

const job = <K>(kernel: K, run: JobKind<K>['run']): JobKind<K> => ({ kernel, run });

/**
 * Every training job. Numbers and arrays, in order:
 * - histogram (pair layout, a range of features): cols, start, end, fromFeature, toFeature;
 *   binIndex, gradHess, idx, hist;
 * - packedHistogram (a range of rows): cols, start, end, fromFeature, toFeature; binIndex,
 *   packed, idx, hist;
 * - featureHistogram (a range of the sampled features): cols, start, end, from, to; binIndex,
 *   gradHess, idx, hist, offsets, features;
 * - partition (the second chunk of a node): colBase, from, to, bin, missingLeft; columns, idx,
 *   scratch;
 * - packedSplitScan (a range of features): from, to, result slot; hist, offsets, valueBins,
 *   features, params, results;
 * - sparsePackedHistogram (a range of rows): start, end; sparseIndex, rowStart, packed, idx, hist;
 * - binBounds (a range of columns): rows, fromCol, toCol, maxBins, sampleRows; values, out, counts.
 */
const JOB_TABLE = {
  histogram: job(buildHistogramFeatures, (k, n, a) => k(a(0), n(0), a(1), a(2), n(1), n(2), n(3), n(4), a(3))),
  packedHistogram: job(buildPackedHistogram, (k, n, a) => k(a(0), n(0), a(1), a(2), n(1), n(2), n(3), n(4), a(3))),
  featureHistogram: job(buildFeatureHistogram, (k, n, a) => k(a(0), n(0), a(4), a(1), a(2), n(1), n(2), a(5), n(3), n(4), a(3))),
  partition: job(partitionChunkApart, (k, n, a) => k(a(0), n(0), n(3), n(4), a(1), a(2), n(1), n(2))),
  packedSplitScan: job(scanPackedSplits, (k, n, a) => k(a(0), a(1), a(2), a(3), n(0), n(1), a(4), a(5), n(2))),
  sparsePackedHistogram: job(buildSparsePackedHistogram, (k, n, a) => k(a(0), a(1), a(2), a(3), n(0), n(1), a(4))),
  binBounds: job(fitBoundsRange, (k, n, a) => k(a(0), n(0), n(1), n(2), n(3), n(4), a(1), a(2))),
};
export type JobName = keyof typeof JOB_TABLE;
const JOB_KINDS = Object.values(JOB_TABLE);

/** A job's kind number by name: its index in the table, which the worker looks it up by. */
export const JOB = Object.freeze(Object.fromEntries(Object.keys(JOB_TABLE).map((name, kind) => [name, kind]))) as Readonly<Record<JobName, number>>;

/** Functions the kernels call (fitBoundsRange's), defined first in the worker under their own names. */
const HELPERS = { midpoint, binBoundsFromSorted };

/** The blocking loop of a training worker (see command-block.ts). */
export const TRAINING_WORKER_SOURCE = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
${Object.entries(HELPERS)
  .map(([name, f]) => `const ${name} = ${f.toString()};`)
  .join('\n')}
const KERNELS = [${JOB_KINDS.map((j) => j.kernel.toString()).join(',\n')}];
const RUNS = [${JOB_KINDS.map((j) => j.run.toString()).join(',\n')}];
const { command, port } = workerData;
const arrays = new Map();
const n = (k) => command[${SLOT.numbers} + k];
const a = (k) => arrays.get(command[${SLOT.arrays} + k]);
let seen = 0;
Atomics.store(command, ${SLOT.ready}, 1);
Atomics.notify(command, ${SLOT.ready});
for (;;) {
  const seq = Atomics.load(command, ${SLOT.seq});
  if (seq < 0) break;
  if (seq === seen) {
    // Jobs come every few hundred microseconds while a tree grows: poll briefly before sleeping.
    let spins = 0;
    while (spins < ${SPINS} && Atomics.load(command, ${SLOT.seq}) === seq) spins++;
    if (spins === ${SPINS}) Atomics.wait(command, ${SLOT.seq}, seq, 1000);
    continue;
  }
  seen = seq;
  try {
    for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
      if (m.message.array === null) arrays.delete(m.message.id);
      else arrays.set(m.message.id, m.message.array);
    }
  } catch (err) {
    Atomics.store(command, ${SLOT.failed}, 1);
  }
  // Claim the job; the calling thread may have claimed (and run) it already.
  if (Atomics.compareExchange(command, ${SLOT.claimed}, seq - 1, seq) !== seq - 1) {
    Atomics.store(command, ${SLOT.done}, seq);
    Atomics.notify(command, ${SLOT.done});
    continue;
  }
  try {
    const kind = command[${SLOT.kind}];
    const result = RUNS[kind](KERNELS[kind], n, a);
    if (typeof result === 'number') command[${SLOT.result}] = result;
    Atomics.add(command, ${SLOT.ran}, 1);
  } catch (err) {
    Atomics.store(command, ${SLOT.failed}, 1);
  }
  Atomics.store(command, ${SLOT.done}, seq);
  Atomics.notify(command, ${SLOT.done});
}
`;

/**
 * A prediction worker: message-driven (a batch is rare and large, unlike training jobs). Each job
 * is a contiguous row chunk; `counts[worker]` counts the chunks each worker predicted.
 */
export const PREDICTION_WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const predictRows = ${predictRows.toString()};
parentPort.on('message', (job) => {
  try {
    predictRows(job.forest, job.values, job.rows, job.from, job.to, job.base, job.scale, job.out);
    Atomics.add(job.counts, job.worker, 1);
  } catch (err) {
    Atomics.add(job.status, 1, 1);
  } finally {
    Atomics.add(job.status, 0, 1);
    Atomics.notify(job.status, 0);
  }
});
`;
