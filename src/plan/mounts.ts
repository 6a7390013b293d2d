import type { Volume } from '../manifest/model.js';
import { L } from '../labels.js';

/** What one container mount becomes on `docker create` (rendered as one --mount flag). */
export interface DockerMount {
  type: 'volume' | 'bind' | 'tmpfs';
  /** Volume name or absolute host path; empty for tmpfs. */
  source: string;
  target: string;
  readOnly: boolean;
  /** Engine-side volume-subpath (API >= 1.45). */
  volumeSubpath?: string;
  /** tmpfs-size in bytes, for type tmpfs. */
  tmpfsSize?: number;
  /** bind-propagation: rslave lets mounts made later on the host source reach the container. */
  propagation?: 'rslave';
}

/** A container mount after its backend prepared it, with what `sbx get` shows. */
export interface PreparedMount {
  backend: Volume['kind'];
  volume: string;
  mount: DockerMount;
  /** Human-facing source: "volume team-datasets:datasets/train", "/srv/sbx/outputs", "oss://bucket/prefix". */
  displaySource: string;
  /**
   * Host path the engine must see as the mount source after create (checked against docker inspect),
   * when sbx resolved the path itself (host, pvc fallback, bucket mounts).
   */
  expectedSource?: string;
  /** Private staging bind mount made for this container mount; removed when the container goes. */
  stagingPath?: string;
  /** Key of the shared host mount whose users include this container. */
  mountKey?: string;
}

/** Labels that record a container's mounts: what `sbx get` shows, and what delete and gc release. */
export function mountLabels(mounts: PreparedMount[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (mounts.length) {
    out[L.mounts] = JSON.stringify(
      mounts.map((m) => ({ volume: m.volume, backend: m.backend, source: m.displaySource, target: m.mount.target, readOnly: m.mount.readOnly })),
    );
  }
  const staged = mounts.map((m) => m.stagingPath).filter((p): p is string => Boolean(p));
  if (staged.length) out[L.stagedMounts] = JSON.stringify(staged);
  const keys = [...new Set(mounts.map((m) => m.mountKey).filter((k): k is string => Boolean(k)))];
  if (keys.length) out[L.mountKeys] = JSON.stringify(keys);
  return out;
}
