import type { ChalkInstance } from 'chalk';
import { SbxError, SbxErrors } from '../errors.js';

export function errorLocation(e: SbxError): string {
  if (!e.file) return '';
  return [e.file, e.line, e.column].filter((x) => x !== undefined).join(':');
}

/** `file:line:col  path  error[CODE]: message` — one line per problem. */
export function formatErrorLine(e: SbxError, c: ChalkInstance): string {
  const loc = errorLocation(e);
  const parts = [loc, e.path ?? ''].filter(Boolean);
  const prefix = parts.length ? parts.join('  ') + '  ' : '';
  const hint = e.hint ? c.dim(` (${e.hint})`) : '';
  return `${prefix}${c.red(`error[${e.code}]`)}: ${e.message}${hint}`;
}

export function errorsOf(err: SbxError | SbxErrors): SbxError[] {
  return err instanceof SbxErrors ? err.errors : [err];
}

/** JSON mode: {"error": {...}} for one, {"errors": [...], "error": first} for several. */
export function errorJson(err: SbxError | SbxErrors): unknown {
  const list = errorsOf(err).map((e) => e.toJSON());
  return list.length === 1 ? { error: list[0] } : { error: list[0], errors: list };
}
