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
   * when sbx resolved the path itself (a staging bind, a shared host mount).
   */
  expectedSource?: string;
  /** Private staging bind mount made for this container mount; removed when the container goes. */
  stagingPath?: string;
  /** Key of the shared host mount whose users include this container. */
  mountKey?: string;
}

/**
 * Something a backend holds on the host for one container: a staging bind (its own) or a share of a
 * host mount other containers may use too (shared: released under the key's lock when no container
 * uses it). Recorded in the container's labels; released by the backend named once the container goes.
 */
export interface HeldResource {
  /** Absent in what earlier versions recorded: every backend then checks whether the resource is its own. */
  backend?: Volume['kind'];
  /** The backend's reference: a staging path, a shared mount's key. */
  ref: string;
  shared?: true;
}

/** What a container holds on the host, read from its labels (and from the labels earlier versions wrote). */
export function heldResources(labels: Partial<Record<string, string>>): HeldResource[] {
  const list = (v?: string): unknown[] => {
    try {
      const parsed: unknown = v ? JSON.parse(v) : [];
      return Array.isArray(parsed) ? parsed : [];
    } catch {
      return []; // a foreign label value names nothing of ours
    }
  };
  const strings = (v?: string) => list(v).filter((x): x is string => typeof x === 'string');
  const held = list(labels[L.hostResources]).filter((x): x is HeldResource => typeof (x as HeldResource)?.ref === 'string');
  return [
    ...held.map((h) => ({ ...(h.backend ? { backend: h.backend } : {}), ref: h.ref, ...(h.shared ? { shared: true as const } : {}) })),
    ...strings(labels[L.legacyStagedMounts]).map((ref) => ({ ref })),
    ...strings(labels[L.legacyMountKeys]).map((ref) => ({ ref, shared: true as const })),
  ];
}

/** Keys of the shared host mounts among held resources (each is locked while its users change). */
export function sharedMountKeys(held: HeldResource[]): string[] {
  return [...new Set(held.filter((h) => h.shared).map((h) => h.ref))];
}

/** Labels that record a container's mounts: what `sbx get` shows, and what delete and gc release. */
export function mountLabels(mounts: PreparedMount[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (mounts.length) {
    out[L.mounts] = JSON.stringify(
      mounts.map((m) => ({ volume: m.volume, backend: m.backend, source: m.displaySource, target: m.mount.target, readOnly: m.mount.readOnly })),
    );
  }
  const held = new Map<string, HeldResource>();
  for (const m of mounts) {
    if (m.stagingPath) held.set(`${m.backend} ${m.stagingPath}`, { backend: m.backend, ref: m.stagingPath });
    if (m.mountKey) held.set(`${m.backend} ${m.mountKey} shared`, { backend: m.backend, ref: m.mountKey, shared: true });
  }
  if (held.size) out[L.hostResources] = JSON.stringify([...held.values()]);
  return out;
}
