import { SbxError, SbxErrors } from '../errors.js';
import { loadManifests } from '../manifest/load.js';
import { toJson } from '../ui/format.js';
import { errorsOf, formatErrorLine } from '../ui/errors.js';
import type { Ctx } from './context.js';

export async function run(ctx: Ctx, opts: { filename: string[] }): Promise<void> {
  const format = ctx.format('table', ['table', 'json', 'name']);
  try {
    const { sandboxes, warnings } = await loadManifests(opts.filename, { stdin: process.stdin });
    if (format === 'json') {
      ctx.print(toJson({ valid: true, sandboxes: sandboxes.map((s) => ({ id: s.id, file: s.source.file, containers: s.containers.length, volumes: s.volumes.length })), warnings }));
      return;
    }
    for (const w of warnings) ctx.reporter.warn([w.file, w.line, w.column].filter(Boolean).join(':') + (w.path ? `  ${w.path}` : '') + `  ${w.message}`);
    for (const s of sandboxes) {
      if (format === 'name') ctx.print(s.id);
      else ctx.print(`${s.source.file}: sandbox ${s.id} is valid (${s.containers.length} container(s), ${s.volumes.length} volume(s))`);
    }
  } catch (err) {
    if (!(err instanceof SbxErrors || err instanceof SbxError)) throw err;
    if (format === 'json') {
      ctx.print(toJson({ valid: false, errors: errorsOf(err).map((e) => e.toJSON()) }));
      process.exitCode = err.exitCode;
      return;
    }
    for (const e of errorsOf(err)) process.stderr.write(formatErrorLine(e, ctx.errColor) + '\n');
    process.exitCode = err.exitCode;
  }
}
