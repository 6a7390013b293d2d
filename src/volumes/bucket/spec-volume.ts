import { L } from '../../labels.js';
import type { BucketVolume } from '../../manifest/model.js';
import type * as M from '../../manifest/manifest-types.js';
import { normalise } from '../../manifest/normalise.js';
import type { BackendContext } from '../types.js';
import type { BucketKind } from './adapter.js';

/**
 * The volume (and sub_path) a mount key was made for, read back from the spec label of a user's sandbox:
 * what gc needs to mount it again. Credentials are not in the label; they come from gc's environment.
 */
export async function volumeOfKey(ctx: BackendContext, kind: BucketKind, key: string, users: string[]): Promise<{ vol: BucketVolume; subPath?: string } | undefined> {
  const { stdout } = await ctx.docker.run(['inspect', '--format', `{{index .Config.Labels "${L.sandbox}"}}`, ...users], { what: `inspect users of mount ${key}` });
  for (const id of new Set(stdout.split('\n').filter(Boolean))) {
    const infra = await ctx.docker.run(['ps', '-a', '--filter', `label=${L.sandbox}=${id}`, '--filter', `label=${L.role}=infra`, '--format', `{{.Label "${L.spec}"}}`], {
      what: `read the spec of sandbox ${id}`,
    });
    const text = infra.stdout.split('\n').find((l) => l.trim());
    if (!text) continue;
    let sandbox;
    try {
      sandbox = normalise(JSON.parse(text) as M.SandboxDoc, { file: `label of sandbox ${id}`, document: 0, line: 1, column: 1 });
    } catch {
      continue;
    }
    for (const c of sandbox.containers) {
      for (const vm of c.volumeMounts) {
        const vol = sandbox.volumes.find((v) => v.name === vm.name);
        if (vol?.kind === kind.kind && kind.key(vol as BucketVolume, vm) === key) return { vol: vol as BucketVolume, subPath: vm.subPath };
      }
    }
  }
  return undefined;
}
