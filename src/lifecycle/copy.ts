import { dockerError } from '../docker/classify.js';
import type { DockerClient } from '../docker/engine.js';
import { SbxError } from '../errors.js';

/** One side of `sbx cp`: a tar stream on stdin/stdout, a host path, or a path in a sandbox's container. */
export type CopyEnd = { kind: 'stream' } | { kind: 'local'; path: string } | { kind: 'container'; dockerName: string; shown: string; path: string };

interface Mount {
  Destination: string;
  RW: boolean;
  Type: string;
  Name?: string;
}

interface Inspected {
  Mounts: Mount[] | null;
  HostConfig: { ReadonlyRootfs: boolean; Tmpfs?: Record<string, string> | null };
}

/**
 * `docker cp` between the host (or a tar stream) and a container: binary-safe, and through the engine
 * so it works with remote engines too. Writing into a read-only mount (or a read-only root filesystem)
 * is refused before docker runs; a full destination is NO_SPACE_LEFT.
 */
export async function copy(docker: DockerClient, src: CopyEnd, dst: CopyEnd): Promise<void> {
  if (src.kind === 'container') await refuseUnreachable(docker, src, false);
  if (dst.kind === 'container') await refuseUnreachable(docker, dst, true);
  const args = ['cp', endArg(src), endArg(dst)];
  const streams = src.kind === 'stream' || dst.kind === 'stream';
  const res = streams ? await docker.passthrough(args) : await docker.run(args, { allowFailure: true });
  if (res.exitCode !== 0) throw copyError(src, dst, res.stderr);
}

function endArg(e: CopyEnd): string {
  return e.kind === 'stream' ? '-' : e.kind === 'local' ? e.path : `${e.dockerName}:${e.path}`;
}

function shown(e: CopyEnd): string {
  return e.kind === 'stream' ? '-' : e.kind === 'local' ? e.path : e.shown;
}

/** The mount that holds a path in the container: the deepest mount point at or above it. */
export function mountHolding(path: string, mounts: readonly Mount[]): Mount | undefined {
  const norm = (p: string) => p.replace(/\/+$/, '') || '/';
  const p = norm(path);
  return mounts
    .filter((m) => {
      const d = norm(m.Destination);
      return d === '/' || p === d || p.startsWith(`${d}/`);
    })
    .sort((a, b) => b.Destination.length - a.Destination.length)[0];
}

/**
 * docker cp sees neither a container's own tmpfs entries (it would write beneath them, invisibly) nor
 * honours a writer's wish on a read-only mount: both are refused before docker runs.
 */
async function refuseUnreachable(docker: DockerClient, dst: Extract<CopyEnd, { kind: 'container' }>, writing: boolean): Promise<void> {
  const [c] = await docker.json<Inspected[]>(['inspect', '--type', 'container', dst.dockerName], { what: `inspect container ${dst.shown}` });
  const tmpfs = Object.keys(c.HostConfig.Tmpfs ?? {}).map((Destination) => ({ Destination, RW: true, Type: 'tmpfs-entry' }));
  const mount = mountHolding(dst.path, [...(c.Mounts ?? []), ...tmpfs]);
  if (mount?.Type === 'tmpfs-entry') {
    throw new SbxError('USAGE', `cannot copy ${writing ? 'into' : 'from'} ${dst.shown}: ${mount.Destination} is a tmpfs of the container itself, which docker cp does not reach`, {
      hint: 'use a volume mount for files to copy, or a tar through sbx exec',
    });
  }
  if (!writing) return;
  if (mount && !mount.RW) {
    throw new SbxError('READ_ONLY_PATH', `cannot copy into ${dst.shown}: ${mount.Destination} is a read-only mount${mount.Name ? ` (volume ${mount.Name})` : ''}`, {
      hint: 'copy into a writable mount of this container, or into a container that mounts the volume read-write',
    });
  }
  if (!mount && c.HostConfig.ReadonlyRootfs) {
    throw new SbxError('READ_ONLY_PATH', `cannot copy into ${dst.shown}: the container's root filesystem is read-only (read_only: true) and no writable mount holds ${dst.path}`, {
      hint: 'copy into one of its writable volume mounts',
    });
  }
}

function copyError(src: CopyEnd, dst: CopyEnd, stderr: string): SbxError {
  const what = `copy ${shown(src)} to ${shown(dst)}`;
  const reason = stderr.replace(/^Error response from daemon:\s*/i, '').trim();
  if (/no space left on device/i.test(stderr)) {
    return new SbxError('NO_SPACE_LEFT', `${what}: no space left on device (ENOSPC): the destination's filesystem is full (${reason})`, {
      hint: 'a tmpfs volume holds at most its ephemeral_storage; raise it or copy less',
    });
  }
  if (/read-only file system|marked read-only/i.test(stderr)) return new SbxError('READ_ONLY_PATH', `${what}: ${reason}`);
  if (/Could not find the file|No such container:path|no such file or directory/i.test(stderr)) return new SbxError('NOT_FOUND', `${what}: ${reason}`);
  return dockerError(['cp'], stderr, what);
}
