import type { DesiredMount } from '../plan/desired.js';
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
