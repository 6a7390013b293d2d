import type { DesiredMount } from '../plan/desired.js';
import type { VolumeBackend } from './backend.js';
import type { PreparedMount } from './types.js';

/** A shared tmpfs volume: one Docker volume (tmpfs driver options) per sandbox volume, mounted by name. */
export function tmpfsMount(m: DesiredMount): PreparedMount {
  return {
    backend: 'tmpfs',
    volume: m.volume.name,
    mount: { type: 'volume', source: m.tmpfsVolumeName!, target: m.mount.mountPath, readOnly: m.mount.readOnly },
    displaySource: `tmpfs ${m.tmpfsVolumeName}`,
  };
}

/** The Docker volume itself is a plan step (create-volume), so the backend has nothing host-side to do. */
export const tmpfsBackend: VolumeBackend = {
  needsEngineHost: () => false,
  recordable: true,
  preflight: async () => undefined,
  planned: (_ctx, m) => tmpfsMount(m),
  prepare: async (_ctx, m) => tmpfsMount(m),
  release: async () => undefined,
  afterRemove: async () => undefined,
  sweep: async () => [],
};
