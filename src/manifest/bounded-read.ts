import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { SbxError, type ErrorCode } from '../errors.js';
import { formatBytes, MAX_BYTES_ENV } from './input-limits.js';
import { bytePosition, decodeUtf8 } from './utf8.js';

/** Why a file of this kind is not read at all, or undefined for a regular file or directory. */
export function specialFileReason(st: Stats): string | undefined {
  if (st.isFIFO()) return 'is a named pipe (FIFO), not a regular file';
  if (st.isCharacterDevice()) return 'is a character device, not a regular file';
  if (st.isBlockDevice()) return 'is a block device, not a regular file';
  if (st.isSocket()) return 'is a socket, not a regular file';
  return undefined;
}

/**
 * At most maxBytes + 1 bytes of a regular file. O_NONBLOCK: should the path have been swapped for a
 * FIFO since it was checked, opening it must not wait for a writer; fstat then refuses it.
 */
export function readRegularFile(file: string, maxBytes: number, code: ErrorCode): { bytes: Uint8Array; over: boolean } {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const st = fstatSync(fd);
    const special = specialFileReason(st);
    if (special || !st.isFile()) throw new SbxError(code, `cannot read ${file}: ${special ?? 'is a directory'}`, { file });
    const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      if (length === buf.length) break;
      const n = readSync(fd, buf, length, buf.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return { bytes: buf.subarray(0, Math.min(length, maxBytes)), over: length > maxBytes };
  } finally {
    closeSync(fd);
  }
}

/** Reads a stream until its end or until it exceeds maxBytes; an abort (Ctrl-C) ends the wait. */
export function readStreamBounded(stream: NodeJS.ReadableStream, maxBytes: number, signal?: AbortSignal): Promise<{ bytes: Uint8Array; over: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const done = (finish: () => void) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
      finish();
    };
    const stop = () => {
      stream.pause();
      (stream as { destroy?: () => void }).destroy?.();
    };
    const onData = (chunk: string | Buffer) => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      chunks.push(b);
      total += b.length;
      if (total > maxBytes) {
        stop();
        done(() => resolve({ bytes: Buffer.concat(chunks).subarray(0, maxBytes), over: true }));
      }
    };
    const onEnd = () => done(() => resolve({ bytes: Buffer.concat(chunks), over: false }));
    const onError = (err: Error) => done(() => reject(err));
    const onAbort = () => {
      stop();
      done(() => reject(new SbxError('INTERRUPTED', 'interrupted while reading stdin', { exitCode: 130 })));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.resume();
  });
}

/** Checked text of what was read: within the byte limit and valid UTF-8, else an error at the position. */
export function checkedText(read: { bytes: Uint8Array; over: boolean }, file: string, maxBytes: number, code: ErrorCode): string {
  if (read.over) {
    throw new SbxError(code, `input is larger than the limit of ${formatBytes(maxBytes)}`, {
      file,
      ...bytePosition(read.bytes, maxBytes),
      hint: `${MAX_BYTES_ENV} sets the limit in bytes`,
    });
  }
  const decoded = decodeUtf8(read.bytes);
  if ('text' in decoded) return decoded.text;
  const byte = read.bytes[decoded.invalidAt];
  const what = byte === undefined ? 'a truncated character at the end' : `byte 0x${byte.toString(16).padStart(2, '0')}`;
  throw new SbxError(code, `input is not valid UTF-8 (${what})`, { file, ...bytePosition(read.bytes, decoded.invalidAt) });
}
