import { loadManifests } from '../manifest/load.js';
import type { Sandbox } from '../manifest/model.js';
import type { Ctx } from './context.js';

/** Load every manifest named by -f (files, directories, "-" for stdin); warnings go to stderr. */
export async function loadForCommand(ctx: Ctx, files: string[]): Promise<Sandbox[]> {
  const { sandboxes, warnings } = await loadManifests(files, { stdin: process.stdin });
  for (const w of warnings) {
    const loc = [w.file, w.line, w.column].filter((x) => x !== undefined).join(':');
    ctx.reporter.warn(`${loc ? `${loc}  ` : ''}${w.path ? `${w.path}  ` : ''}${w.message}`);
  }
  return sandboxes;
}
