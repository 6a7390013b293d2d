import { loadManifests } from '../manifest/load.js';
import type { LoadResult, Sandbox } from '../manifest/model.js';
import type { InputText } from '../manifest/read-inputs.js';
import type { Ctx } from './context.js';

/** Load every manifest named by -f (files, directories, "-" for stdin); warnings go to stderr. */
export async function loadForCommand(ctx: Ctx, files: string[]): Promise<Sandbox[]> {
  return (await loadWithWarnings(ctx, files)).sandboxes;
}

/** The same, with the warnings that were printed; onInput sees each input's text as read. */
export async function loadWithWarnings(ctx: Ctx, files: string[], onInput?: (input: InputText) => void): Promise<LoadResult> {
  const loaded = await loadManifests(files, { stdin: process.stdin, onInput, signal: ctx.signal });
  for (const w of loaded.warnings) {
    const loc = [w.file, w.line, w.column].filter((x) => x !== undefined).join(':');
    ctx.reporter.warn(`${loc ? `${loc}  ` : ''}${w.path ? `${w.path}  ` : ''}${w.message}`);
  }
  return loaded;
}
