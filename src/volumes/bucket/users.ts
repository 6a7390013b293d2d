import type { DockerClient } from '../../docker/engine.js';
import { L } from '../../labels.js';

/** Reference counts are derived, never stored: a mount's users are the containers (any state) labelled with its key. */
export async function mountUsers(docker: DockerClient, key: string): Promise<string[]> {
  const { stdout } = await docker.run(['ps', '--all', '--quiet', '--no-trunc', '--filter', `label=${L.mountUser}.${key}`], {
    what: `list users of bucket mount ${key}`,
  });
  return stdout.split('\n').filter((l) => l.trim());
}

/** Runs fn after every earlier call for the same key in this process (containers of one apply are created in parallel). */
const chains = new Map<string, Promise<unknown>>();
export function serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const run = (chains.get(key) ?? Promise.resolve()).then(fn, fn);
  chains.set(key, run.catch(() => undefined));
  return run;
}
