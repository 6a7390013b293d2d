import { loadManifests } from '../manifest/load.js';
import { toJson } from '../ui/format.js';
import type { Ctx } from './context.js';
import { loadWithWarnings } from './load.js';

/** Errors take the one top-level path (cli/main.ts): error[CODE] lines, {"error": ...} under -o json, exit 2. */
export async function run(ctx: Ctx, opts: { filename: string[] }): Promise<void> {
  const format = ctx.format('table', ['table', 'json', 'name']);
  if (format === 'json') {
    const { sandboxes, warnings } = await loadManifests(opts.filename, { stdin: process.stdin, signal: ctx.signal });
    ctx.print(toJson({ valid: true, sandboxes: sandboxes.map((s) => ({ id: s.id, file: s.source.file, containers: s.containers.length, volumes: s.volumes.length })), warnings }));
    return;
  }
  const { sandboxes } = await loadWithWarnings(ctx, opts.filename);
  for (const s of sandboxes) {
    if (format === 'name') ctx.print(s.id);
    else ctx.print(`${s.source.file}: sandbox ${s.id} is valid (${s.containers.length} container(s), ${s.volumes.length} volume(s))`);
  }
}
