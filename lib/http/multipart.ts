import { Transform, pipeline, type Readable } from 'node:stream';
import busboy from 'busboy';
import { AppError, isAppError } from '../errors';

/** One file part of a multipart body, streamed: read `stream` to its end (or the body stalls). */
export interface MultipartFile {
  /** The form field (e.g. "files"). */
  field: string;
  /** The file name the client sent ("" when it sent none). */
  filename: string;
  /** The file's position among the body's file parts, from 0. */
  index: number;
  stream: Readable;
  /** The text fields that came before this file. */
  fieldsBefore: ReadonlyMap<string, string[]>;
}

export interface MultipartLimits {
  /** Largest body in bytes, counted as it arrives (with or without a Content-Length). */
  maxBytes: number;
  /** The error for a body over `maxBytes` (it says which limit, e.g. the plan's storage). */
  tooLarge: () => AppError;
  maxFiles: number;
  maxFields: number;
  /** Largest value of one non-file field. */
  maxFieldBytes: number;
  /** A body that sends nothing for this long is given up (default 60 s). */
  idleMs?: number;
}

/**
 * Reads a multipart/form-data body as a stream: the non-file fields are collected, each file part is
 * handed to `onFile` as it begins, in order, and the body is read only as fast as `onFile` consumes
 * it (so a file goes to disk without ever being whole in memory). Resolves once the body ended and
 * every `onFile` settled; on any failure it rejects only after every `onFile` settled too, so the
 * caller can remove what they wrote.
 * @throws AppError payload_too_large (`limits.tooLarge()`) as soon as the body passes `maxBytes`;
 *   bad_request for a body that is not multipart, is malformed or cut off, stalls, or passes the
 *   other limits.
 */
export function readMultipart(body: Readable, contentType: string, limits: MultipartLimits, onFile: (file: MultipartFile) => Promise<void>): Promise<Map<string, string[]>> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        limits: { files: limits.maxFiles, fields: limits.maxFields, parts: limits.maxFiles + limits.maxFields, fieldSize: limits.maxFieldBytes, fieldNameSize: 200 },
      });
    } catch {
      body.destroy();
      reject(new AppError('bad_request', 'Send the files as multipart/form-data.'));
      return;
    }
    const fields = new Map<string, string[]>();
    const writes: Promise<void>[] = [];
    // The first error decides the answer: once one stream of the pipeline fails, the others (and
    // the file part being written) fail with it, which says nothing new.
    let first: { origin: 'client' | 'parser' | 'ours'; error: Error } | undefined;
    const note = (origin: 'client' | 'parser' | 'ours', error: Error) => (first ??= { origin, error });
    const idleMs = limits.idleMs ?? 60_000;
    let idle: NodeJS.Timeout | undefined;
    let received = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        touch();
        if (received > limits.maxBytes) done(limits.tooLarge());
        else done(null, chunk);
      },
    });
    function fail(e: Error): void {
      note('ours', e);
      counter.destroy(e);
    }
    function touch(): void {
      clearTimeout(idle);
      idle = setTimeout(() => fail(new AppError('bad_request', `The upload stalled: nothing arrived for ${Math.round(idleMs / 1000)} s.`)), idleMs);
    }
    counter.once('error', (e) => note('ours', e));
    body.once('error', (e) => note('client', e));
    parser.once('error', (e) => note('parser', e instanceof Error ? e : new Error(String(e))));
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) return fail(new AppError('bad_request', `Field "${name.slice(0, 40)}" is over ${limits.maxFieldBytes} bytes.`));
      if (info.nameTruncated) return fail(new AppError('bad_request', 'A field name is too long.'));
      fields.set(name, [...(fields.get(name) ?? []), value]);
    });
    let index = 0;
    parser.on('file', (field, stream, info) => {
      const write = onFile({ field, filename: info.filename ?? '', index: index++, stream, fieldsBefore: fields });
      writes.push(write);
      // A write failing on its own (the disk) stops the body; one failing because the body did is no news.
      write.catch((e: unknown) => first || fail(e instanceof Error ? e : new Error(String(e))));
    });
    parser.on('filesLimit', () => fail(new AppError('bad_request', `At most ${limits.maxFiles} files are accepted in one upload.`)));
    parser.on('fieldsLimit', () => fail(new AppError('bad_request', `At most ${limits.maxFields} fields are accepted besides the files.`)));
    parser.on('partsLimit', () => fail(new AppError('bad_request', `At most ${limits.maxFiles} files and ${limits.maxFields} fields are accepted.`)));
    touch();
    pipeline(body, counter, parser, (err) => {
      clearTimeout(idle);
      // Every write settles first, so nothing is still writing when the caller cleans up.
      void Promise.allSettled(writes).then((settled) => {
        const failedWrite = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
        if (!first && !err && !failedWrite) return resolve(fields);
        const cause = first ?? (err ? { origin: 'parser' as const, error: err } : { origin: 'ours' as const, error: failedWrite?.reason as Error });
        if (isAppError(cause.error)) return reject(cause.error);
        if (cause.origin === 'client') return reject(new AppError('bad_request', 'The upload was cut off before its end.'));
        if (cause.origin === 'parser') return reject(new AppError('bad_request', `The upload is not valid multipart/form-data: ${cause.error.message}.`));
        reject(cause.error);
      });
    });
  });
}
