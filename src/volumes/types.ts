import type { Docker } from '../docker/engine.js';

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
}

/** A container mount after its backend prepared it, with what `sbx get` shows. */
export interface PreparedMount {
  backend: 'tmpfs' | 'pvc' | 'host' | 'ossfs';
  volume: string;
  mount: DockerMount;
  /** Human-facing source: "volume team-datasets:datasets/train", "/srv/sbx/outputs", "oss://bucket/prefix". */
  displaySource: string;
  /**
   * Host path the engine must see as the mount source after create (checked against docker inspect),
   * when sbx resolved the path itself (host, pvc fallback, ossfs).
   */
  expectedSource?: string;
  /** Private staging bind mount made for this container mount; removed when the container goes. */
  stagingPath?: string;
  /** ossfs mount key whose users include this container. */
  ossfsKey?: string;
}

export interface BackendContext {
  docker: Docker;
  sandboxId: string;
  /** Default /var/lib/sbx, env SBX_STATE_DIR. */
  stateDir: string;
  /** Progress/diagnostic line to stderr. */
  log: (line: string) => void;
  /** With -v: every ossfs/mount argv sbx runs (never holds a secret). */
  trace?: (line: string) => void;
  /** Engine API version, e.g. "1.41"; decides volume-subpath support. */
  apiVersion: string;
}

export function stateDir(): string {
  return process.env.SBX_STATE_DIR ?? '/var/lib/sbx';
}

/** The -v trace for BackendContext.trace: mount tools' argv printed like docker's. */
function traceOf(docker: Docker): ((line: string) => void) | undefined {
  const show = docker.onCommand;
  return show ? (line) => show(line.replace(/^\+ /, '').split(' ')) : undefined;
}

/** What every backend call gets; apiVersion only matters to a pvc sub_path ('0': not asked). */
export function backendContext(docker: Docker, sandboxId: string, log: (line: string) => void, apiVersion = '0'): BackendContext {
  return { docker, sandboxId, stateDir: stateDir(), log, trace: traceOf(docker), apiVersion };
}
