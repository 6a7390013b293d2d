import { SbxError } from '../errors.js';
import { copy, type CopyEnd } from '../lifecycle/copy.js';
import type { Ctx } from './context.js';
import { targetContainer } from './target-container.js';

/** `ID:/path`, `ID:CONTAINER:/path`: a path in a sandbox's container (absolute). */
const IN_SANDBOX = /^([A-Za-z0-9][A-Za-z0-9_.-]*)(?::([A-Za-z0-9][A-Za-z0-9_.-]*))?:(\/.*)$/;

type Parsed = { kind: 'stream' } | { kind: 'local'; path: string } | { kind: 'sandbox'; id: string; container?: string; path: string };

export function parseEnd(arg: string): Parsed {
  if (arg === '-') return { kind: 'stream' };
  const m = IN_SANDBOX.exec(arg);
  return m ? { kind: 'sandbox', id: m[1], ...(m[2] ? { container: m[2] } : {}), path: m[3] } : { kind: 'local', path: arg };
}

export async function run(ctx: Ctx, src: string, dst: string): Promise<void> {
  const [from, to] = [parseEnd(src), parseEnd(dst)];
  const inSandbox = [from, to].filter((e) => e.kind === 'sandbox').length;
  if (inSandbox !== 1) {
    throw new SbxError('USAGE', inSandbox ? 'sbx cp copies between a sandbox and the host, not between two containers; copy through the host or a tar stream' : 'one side of sbx cp must be ID[:CONTAINER]:/path (a path in a sandbox)');
  }
  await copy(ctx.docker, await resolve(ctx, from), await resolve(ctx, to));
}

async function resolve(ctx: Ctx, e: Parsed): Promise<CopyEnd> {
  if (e.kind !== 'sandbox') return e;
  const c = await targetContainer(ctx, e.id, e.container);
  return { kind: 'container', dockerName: c.dockerName, shown: `${e.id}:${c.name}:${e.path}`, path: e.path };
}
