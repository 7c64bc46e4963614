/**
 * Typed arrays on SharedArrayBuffer when the runtime has it (plain ArrayBuffer otherwise), so the
 * optional worker threads (ml/trees/pool) can read and write them without copies.
 */
function sharedBuffer(bytes: number): ArrayBuffer | SharedArrayBuffer {
  return typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(sharedBuffer(8 * length));
}

export function sharedInt32(length: number): Int32Array {
  return new Int32Array(sharedBuffer(4 * length));
}

export function sharedUint8(length: number): Uint8Array {
  return new Uint8Array(sharedBuffer(length));
}

export function sharedUint16(length: number): Uint16Array {
  return new Uint16Array(sharedBuffer(2 * length));
}

export function sharedUint32(length: number): Uint32Array {
  return new Uint32Array(sharedBuffer(4 * length));
}

/** True when the array's memory can be shared with worker threads. */
export function isShared(a: { buffer: ArrayBufferLike }): boolean {
  return typeof SharedArrayBuffer === 'function' && a.buffer instanceof SharedArrayBuffer;
}
