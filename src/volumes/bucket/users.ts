import type { DockerClient } from '../../docker/engine.js';
import { L } from '../../labels.js';

/** Reference counts are derived, never stored: a mount's users are the containers (any state) labelled with its key. */
export async function mountUsers(docker: DockerClient, key: string): Promise<string[]> {
  const { stdout } = await docker.run(['ps', '--all', '--quiet', '--no-trunc', '--filter', `label=${L.mountUser}.${key}`], {
    what: `list users of bucket mount ${key}`,
  });
  return stdout.split('\n').filter((l) => l.trim());
}
