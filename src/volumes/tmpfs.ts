import type { TmpfsVolume } from '../manifest/model.js';
import type { DesiredMount } from '../plan/desired.js';
import type { VolumeBackend } from './backend.js';
import type { PreparedMount } from './types.js';

/** A shared tmpfs volume: one Docker volume (tmpfs driver options) per sandbox volume, mounted by name. */
export function tmpfsMount(m: DesiredMount): PreparedMount {
  return {
    backend: 'tmpfs',
    volume: m.volume.name,
    mount: { type: 'volume', source: m.ownedVolume!, target: m.mount.mountPath, readOnly: m.mount.readOnly },
    displaySource: `tmpfs ${m.ownedVolume}`,
  };
}

/** The Docker volume itself is the planner's (an owned volume), so the backend has nothing host-side to do. */
export const tmpfsBackend: VolumeBackend = {
  mountSource: (_vol, mount) => mount.ownedVolume,
  ownedVolume(vol) {
    const { sizeBytes } = vol as TmpfsVolume;
    return {
      identity: { size: sizeBytes },
      createOptions: ['--driver', 'local', '--opt', 'type=tmpfs', '--opt', 'device=tmpfs', '--opt', `o=size=${sizeBytes},mode=1777`],
      changeCause: 'size changed',
    };
  },
  needsEngineHost: () => false,
  recordable: true,
  preflight: async () => undefined,
  planned: (_ctx, m) => tmpfsMount(m),
  prepare: async (_ctx, m) => tmpfsMount(m),
  release: async () => undefined,
  afterRemove: async () => undefined,
  sweep: async () => [],
};
