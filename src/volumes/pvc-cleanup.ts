import { L } from '../labels.js';
import type { BackendContext } from './types.js';

/**
 * `sbx delete --volumes`: remove the named volumes this sandbox created (create: true), except
 * those some container still uses — as a volume, or through a staged sub_path bind, which Docker
 * does not count as a use (sbx's mounts label names it).
 */
export async function removeCreatedPvcVolumes(ctx: BackendContext): Promise<void> {
  const { stdout } = await ctx.docker.run(['volume', 'ls', '--quiet', '--filter', `label=${L.createdBy}=${ctx.sandboxId}`], {
    what: `list volumes created by ${ctx.sandboxId}`,
  });
  const names = stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  if (!names.length) return;
  const boundUsers = await stagedVolumeUsers(ctx);
  for (const name of names) {
    const { stdout: users } = await ctx.docker.run(['ps', '-a', '--filter', `volume=${name}`, '--format', '{{.Names}}'], { what: `find users of volume ${name}` });
    const all = [...new Set([...users.split('\n').filter(Boolean), ...(boundUsers.get(name) ?? [])])];
    if (all.length) {
      ctx.log(`keeping volume ${name}: used by ${all.join(', ')}`);
      continue;
    }
    const res = await ctx.docker.run(['volume', 'rm', name], { allowFailure: true, what: `remove volume ${name}` });
    if (res.exitCode === 0) ctx.log(`removed volume ${name}`);
    else ctx.warn(`volume ${name} kept: ${res.stderr.trim()}`);
  }
}

interface MountLabelEntry {
  backend?: string;
  source?: string;
}

/** Volume name → containers whose sbx mounts label shows a pvc mount of it. */
async function stagedVolumeUsers(ctx: BackendContext): Promise<Map<string, string[]>> {
  const { stdout } = await ctx.docker.run(['ps', '-a', '--filter', `label=${L.mounts}`, '--format', `{{.Names}}\t{{.Label "${L.mounts}"}}`], {
    what: 'list containers with sbx mounts',
  });
  const out = new Map<string, string[]>();
  for (const line of stdout.split('\n').filter(Boolean)) {
    const [container, json] = line.split('\t');
    let entries: MountLabelEntry[] = [];
    try {
      entries = JSON.parse(json) as MountLabelEntry[];
    } catch {
      continue;
    }
    for (const e of entries) {
      const match = e.backend === 'pvc' ? /^volume ([^:]+)/.exec(e.source ?? '') : null;
      if (match) out.set(match[1], [...(out.get(match[1]) ?? []), container]);
    }
  }
  return out;
}
