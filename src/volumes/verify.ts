import type { DockerClient } from '../docker/engine.js';
import { SbxError } from '../errors.js';
import type { PreparedMount } from './types.js';

/**
 * After `docker create`, the engine's record of each bind must name exactly the source sbx checked.
 * Anything else (a path swapped between check and create) removes the container and fails.
 */
export async function verifyMountSources(docker: DockerClient, containerName: string, mounts: PreparedMount[]): Promise<void> {
  const expected = mounts.filter((m) => m.expectedSource);
  if (!expected.length) return;
  const { stdout } = await docker.run(['container', 'inspect', '--format', '{{json .Mounts}}', containerName], { what: `inspect container ${containerName}` });
  const actual = JSON.parse(stdout || '[]') as { Source: string; Destination: string }[];
  for (const m of expected) {
    const seen = actual.find((a) => a.Destination === m.mount.target);
    if (!seen || seen.Source !== m.expectedSource) {
      await docker.run(['rm', '--force', containerName], { allowFailure: true });
      throw new SbxError(
        'SUBPATH_ESCAPE',
        `mount ${m.volume} at ${m.mount.target}: the engine bound ${seen?.Source ?? 'nothing'} instead of the checked ${m.expectedSource}; container removed`,
      );
    }
  }
}
