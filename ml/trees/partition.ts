/**
 * Stable partition of a node's rows by its split (the step after each split search). A large range
 * is cut in two chunks partitioned independently and merged: stable chunks concatenated in order
 * give exactly the single-pass result, so the outcome never depends on whether the range was cut,
 * and a TreeKernels partitioner (kernels.ts) can hand the second chunk to a worker thread.
 *
 * The rule: a row goes left when its bin (column-major, `columns[colBase + row]`) is <= `bin` or
 * equals `missingLeft` (the feature's missing bin when missing values go left, else -1).
 */
import type { ChunkPartitioner } from './kernels';

/**
 * Partitions idx[start..end) in place: left rows compacted to idx[start..start + L), right rows
 * written in order to scratch[start..start + R). Returns L.
 */
export function partitionChunk(
  columns: Uint8Array,
  colBase: number,
  bin: number,
  missingLeft: number,
  idx: Int32Array,
  scratch: Int32Array,
  start: number,
  end: number,
): number {
  // Branch-free: each row is written to both places and only the right cursor advances (a branch
  // on the side is mispredicted about half the time on a good split). idx[l] is written at or
  // behind the row being read, scratch ahead of nothing that is read.
  let l = start;
  let rc = start;
  for (let i = start; i < end; i++) {
    const r = idx[i];
    const v = columns[colBase + r];
    const goLeft = +(v <= bin) | +(v === missingLeft);
    idx[l] = r;
    scratch[rc] = r;
    l += goLeft;
    rc += 1 - goLeft;
  }
  return l - start;
}

/**
 * Partitions idx[start..end) without modifying idx: left rows go in order to scratch[start..),
 * right rows backwards from scratch[end - 1]. Returns the left count. Self-contained so worker
 * threads run this exact code (and a failed worker leaves idx intact).
 */
export function partitionChunkApart(
  columns: Uint8Array,
  colBase: number,
  bin: number,
  missingLeft: number,
  idx: Int32Array,
  scratch: Int32Array,
  start: number,
  end: number,
): number {
  // Branch-free as partitionChunk: a row written to the wrong end is overwritten later (that slot
  // is the next one either end fills).
  let l = start;
  let rc = end - 1;
  for (let i = start; i < end; i++) {
    const r = idx[i];
    const v = columns[colBase + r];
    const goLeft = +(v <= bin) | +(v === missingLeft);
    scratch[l] = r;
    scratch[rc] = r;
    l += goLeft;
    rc -= 1 - goLeft;
  }
  return l - start;
}

/**
 * Stable partition of idx[start..end) by the rule above; returns the first index of the right
 * part. scratch must be at least as long as the range's end. With a partitioner `p`, a range of
 * at least p.minRows rows has its second half partitioned by it (then merged).
 */
export function partitionRows(
  columns: Uint8Array,
  colBase: number,
  bin: number,
  missingLeft: number,
  idx: Int32Array,
  scratch: Int32Array,
  start: number,
  end: number,
  p: ChunkPartitioner | null,
): number {
  const mid = start + ((end - start) >> 1);
  if (p === null || end - start < p.minRows || !p.start(columns, colBase, bin, missingLeft, idx, scratch, mid, end)) {
    const left = partitionChunk(columns, colBase, bin, missingLeft, idx, scratch, start, end);
    idx.set(scratch.subarray(start, end - left), start + left);
    return start + left;
  }
  const leftA = partitionChunk(columns, colBase, bin, missingLeft, idx, scratch, start, mid);
  let leftB = p.finish();
  if (leftB < 0) leftB = partitionChunkApart(columns, colBase, bin, missingLeft, idx, scratch, mid, end);
  const rightA = mid - start - leftA;
  const rightB = end - mid - leftB;
  // Merge: left of A (already in place), left of B, right of A, right of B (stored backwards).
  let at = start + leftA;
  idx.set(scratch.subarray(mid, mid + leftB), at);
  at += leftB;
  idx.set(scratch.subarray(start, start + rightA), at);
  at += rightA;
  for (let k = end - 1; k >= end - rightB; k--) idx[at++] = scratch[k];
  return start + leftA + leftB;
}
