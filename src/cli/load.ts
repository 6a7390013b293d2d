import { loadManifests } from '../manifest/load.js';
import type { LoadResult, Sandbox } from '../manifest/model.js';
import type { Ctx } from './context.js';

/** Load every manifest named by -f (files, directories, "-" for stdin); warnings go to stderr. */
export async function loadForCommand(ctx: Ctx, files: string[], onInput?: (file: string, text: string) => void): Promise<Sandbox[]> {
  return (await loadWithWarnings(ctx, files, onInput)).sandboxes;
}

/** The same, with the warnings that were printed. */
export async function loadWithWarnings(ctx: Ctx, files: string[], onInput?: (file: string, text: string) => void): Promise<LoadResult> {
  const loaded = await loadManifests(files, { stdin: process.stdin, onInput });
  for (const w of loaded.warnings) {
    const loc = [w.file, w.line, w.column].filter((x) => x !== undefined).join(':');
    ctx.reporter.warn(`${loc ? `${loc}  ` : ''}${w.path ? `${w.path}  ` : ''}${w.message}`);
  }
  return loaded;
}
