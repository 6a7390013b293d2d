import type { ContainerResources } from './reconcile.js';
import { sharedMountKeys, type PreparedMount } from './mounts.js';

/**
 * What the executor runs, as data. A docker command is its final argv; a host-side action names
 * what it does and to which container's mounts. `--dry-run` prints exactly these.
 */
export type Command =
  | {
      kind: 'docker';
      args: string[];
      /** For error messages: "create container app". */
      what: string;
      /** The container whose id this command prints (docker run/create). */
      printsIdOf?: string;
      /** Bytes on stdin, made by the docker layer (only the pause image tar). */
      stdin?: 'pause-image-tar';
      /** `docker pull`: run with its progress reported and its failure classified as a pull's. */
      pull?: boolean;
    }
  /** Stage binds and FUSE mounts for a container; the backends must produce exactly `mounts`. */
  | { kind: 'prepare-mounts'; container: string; mounts: PreparedMount[] }
  /** The engine's view of the container's mounts must be `mounts`' expected sources (docker inspect). */
  | { kind: 'verify-mounts'; container: string; mounts: PreparedMount[] }
  /** Undo prepare-mounts for a container that was not created. */
  | { kind: 'release-mounts'; container: string; mounts: PreparedMount[] }
  /** A running container's host-held mounts whose endpoint died: mount them again where its binds see them. */
  | { kind: 'repair-mounts'; container: string; mounts: PreparedMount[] }
  /** Free what removed containers held on the host (staging binds, unused FUSE mounts). */
  | { kind: 'release-resources'; resources: ContainerResources[] }
  /** In the running infra container's namespace: load `ruleset` (nft -f -), then start the DNS helper with these arguments. */
  | { kind: 'network-policy'; infra: string; ruleset: string; dnsHelper?: string[] }
  /** Stop the sandbox's DNS helper (its rules die with the namespace). */
  | { kind: 'release-network-policy'; sandbox: string };

/**
 * Steps of one phase run side by side; phases run in order. The Docker volumes containers mount are
 * created in the infra phase, beside the infra container, which needs none of them.
 */
export type Phase = 'images' | 'stash' | 'prepare' | 'infra' | 'policy' | 'containers' | 'cleanup';
export const PHASES: readonly Phase[] = ['images', 'stash', 'prepare', 'infra', 'policy', 'containers', 'cleanup'];

export interface PlanStep {
  action: string;
  resource: string;
  cause: string;
  phase: Phase;
  run: Command[];
  /**
   * Puts things back if a later step (or this one, part way) fails; registered before `run` starts,
   * so each command must be safe when what it undoes never happened.
   */
  undo: Command[];
}

/** One line per command, as `--dry-run` and `-v` show it. */
export function commandText(c: Command, dockerArgv: (args: string[]) => string[], quote: (s: string) => string): string {
  switch (c.kind) {
    case 'docker':
      return dockerArgv(c.args).map(quote).join(' ') + (c.stdin === 'pause-image-tar' ? ' < (pause image tar)' : '');
    case 'prepare-mounts':
      return `prepare mounts of ${c.container}: ${c.mounts.map(mountText).join('; ')}`;
    case 'verify-mounts':
      return `verify mounts of ${c.container} (docker inspect): ${c.mounts.filter((m) => m.expectedSource).map((m) => `${m.mount.target} ← ${m.expectedSource}`).join('; ')}`;
    case 'release-mounts':
      return `release mounts of ${c.container}`;
    case 'repair-mounts':
      return `repair mounts of ${c.container}: ${c.mounts.map((m) => `mount ${m.displaySource} again over the dead mount at ${m.mount.source}`).join('; ')}`;
    case 'release-resources': {
      const all = c.resources.flat();
      const own = [...new Set(all.filter((h) => !h.shared).map((h) => h.ref))];
      const keys = sharedMountKeys(all);
      const held = [own.length && `staging binds ${own.join(', ')}`, keys.length && `shared mounts ${keys.join(', ')} once no container uses them`].filter(Boolean);
      return held.length ? `release on the host: ${held.join('; ')}` : 'release on the host: nothing held';
    }
    case 'network-policy': {
      const rules = c.ruleset.trimEnd().split('\n').map((l) => `  ${l}`);
      const helper = c.dnsHelper ? [`nsenter -t <pid of ${c.infra}> -n dnsmasq ${c.dnsHelper.map(quote).join(' ')}`] : [];
      return [`nsenter -t <pid of ${c.infra}> -n nft -f - <<EOF`, ...rules, 'EOF', ...helper].join('\n');
    }
    case 'release-network-policy':
      return `stop the DNS helper of sandbox ${c.sandbox}, if any`;
  }
}

function mountText(m: PreparedMount): string {
  const how = m.stagingPath ? `bind ${m.displaySource} at ${m.stagingPath}` : m.mountKey ? `mount ${m.displaySource} at ${m.mount.source} (key ${m.mountKey})` : m.displaySource;
  return `${how} → ${m.mount.target}`;
}

/** Docker argv of every command, in plan order (what the dry-run/executed equality test compares). */
export function dockerArgvs(steps: PlanStep[]): string[][] {
  return PHASES.flatMap((phase) => steps.filter((s) => s.phase === phase)).flatMap((s) => s.run.flatMap((c) => (c.kind === 'docker' ? [c.args] : [])));
}

/** The network policy's host-side actions (nsenter into the infra container's namespace). */
export interface PolicyProvider {
  enforce(infra: string, policy: { ruleset: string; dnsHelper?: string[] }): Promise<void>;
  release(): Promise<void>;
}

/** The host-side actions of a plan, carried out by the volume backends for the executor. */
export interface MountProvider {
  /** Make the planned mounts of a container real; resolves with what was made (the executor compares). */
  prepare(container: string, planned: PreparedMount[]): Promise<PreparedMount[]>;
  /** After `docker create`: the engine's view of the mounts must match what was checked. */
  verify(container: string, mounts: PreparedMount[]): Promise<void>;
  /** Undo prepare() of a container that was not created. Never throws. */
  release(container: string): Promise<void>;
  /** Mount again, for a running container, what repair-mounts names. */
  repair(container: string, mounts: PreparedMount[]): Promise<void>;
  /** Release host-side resources (staging binds, unused FUSE mounts) of containers that were removed. */
  afterRemove(resources: ContainerResources[]): Promise<void>;
}
