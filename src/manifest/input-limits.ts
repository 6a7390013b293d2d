import { SbxError } from '../errors.js';

/** Bounds on what one command reads, so hostile input is refused before it costs time or memory. */
export interface InputLimits {
  /** Bytes per input (file or stdin), and per document once its aliases are expanded. */
  maxBytes: number;
  /** YAML documents per command, over all inputs. */
  maxDocuments: number;
  /** Nested collections (a top-level mapping is 1); far below where the YAML parser runs out of stack. */
  maxDepth: number;
}

/** Like the Kubernetes API server's 3 MiB request limit. */
export const DEFAULT_MAX_BYTES = 3 * 1024 * 1024;
export const MAX_DOCUMENTS = 1000;
export const MAX_DEPTH = 100;
export const MAX_BYTES_ENV = 'SBX_MAX_MANIFEST_BYTES';

export function inputLimits(env: NodeJS.ProcessEnv = process.env): InputLimits {
  const raw = env[MAX_BYTES_ENV];
  let maxBytes = DEFAULT_MAX_BYTES;
  if (raw !== undefined && raw !== '') {
    if (!/^[1-9]\d{0,15}$/.test(raw)) throw new SbxError('USAGE', `${MAX_BYTES_ENV} must be a positive number of bytes, got "${raw.slice(0, 40)}"`);
    maxBytes = Number(raw);
  }
  return { maxBytes, maxDocuments: MAX_DOCUMENTS, maxDepth: MAX_DEPTH };
}

/** "3 MiB", "1.5 KiB", "512 bytes" for limit messages. */
export function formatBytes(n: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  if (n < 1024) return `${n} bytes`;
  let v = n;
  let unit = '';
  for (const u of units) {
    if (v < 1024) break;
    v /= 1024;
    unit = u;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${unit}`;
}
