import type { DockerClient } from '../docker/engine.js';
import { SbxError } from '../errors.js';

/** The fields of `docker volume inspect` sbx uses. */
export interface VolumeInfo {
  Name: string;
  Driver: string;
  Mountpoint: string;
  Labels: Record<string, string> | null;
  Options: Record<string, string> | null;
}

/**
 * Inspect several volumes in one call. Docker prints the ones it found and exits 1 with one
 * "no such volume" line per missing name; those are simply absent from the result. Any other
 * failure is PVC_VOLUME_INSPECT_FAILED.
 */
export async function inspectVolumes(docker: DockerClient, names: string[]): Promise<Map<string, VolumeInfo>> {
  const found = new Map<string, VolumeInfo>();
  if (!names.length) return found;
  const res = await docker.run(['volume', 'inspect', ...names], { allowFailure: true, what: `inspect volumes ${names.join(', ')}` });
  let list: VolumeInfo[];
  try {
    list = JSON.parse(res.stdout.trim() || '[]') as VolumeInfo[];
  } catch {
    throw failed(names, res.stderr || `unreadable output: ${res.stdout.slice(0, 200)}`);
  }
  for (const v of list) found.set(v.Name, v);
  if (res.exitCode === 0) return found;
  const unexplained = names.filter((n) => !found.has(n) && !reportsMissing(res.stderr, n));
  if (unexplained.length) throw failed(unexplained, res.stderr);
  return found;
}

/** "Error response from daemon: get NAME: no such volume" (20.10) or "Error: No such volume: NAME" (newer CLIs). */
function reportsMissing(stderr: string, name: string): boolean {
  return stderr
    .split('\n')
    .filter((line) => /no such volume/i.test(line))
    .some((line) => line.split(/[\s:]+/).includes(name));
}

function failed(names: string[], stderr: string): SbxError {
  return new SbxError('PVC_VOLUME_INSPECT_FAILED', `cannot inspect Docker volume${names.length > 1 ? 's' : ''} ${names.join(', ')}: ${stderr.trim() || 'docker volume inspect failed'}`);
}
