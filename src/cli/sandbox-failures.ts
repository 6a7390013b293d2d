import { EXIT, SbxError, SbxErrors } from '../errors.js';
import { errorJson, errorsOf, formatErrorLine } from '../ui/errors.js';
import type { Ctx } from './context.js';

export interface SandboxFailure {
  id: string;
  error: SbxError | SbxErrors;
}

/**
 * The sandboxes of a command that failed while the others went on: each as the top-level handler
 * would report it (anything but an SbxError is a bug and stops the command).
 */
export function sandboxFailures(ids: readonly string[], outcomes: readonly PromiseSettledResult<unknown>[]): SandboxFailure[] {
  return outcomes.flatMap((o, i) => {
    if (o.status === 'fulfilled') return [];
    if (o.reason instanceof SbxError || o.reason instanceof SbxErrors) return [{ id: ids[i], error: o.reason }];
    throw o.reason;
  });
}

/** Each failure on stderr, prefixed with its sandbox; exit 1 when there is any. Returns what -o json adds. */
export function reportFailures(ctx: Ctx, failed: readonly SandboxFailure[]): { failed?: unknown[] } {
  if (!failed.length) return {};
  process.exitCode = EXIT.RUNTIME;
  for (const f of failed) for (const e of errorsOf(f.error)) process.stderr.write(`sandbox ${f.id}: ${formatErrorLine(e, ctx.errColor)}\n`);
  return { failed: failed.map((f) => ({ id: f.id, ...(errorJson(f.error) as object) })) };
}
