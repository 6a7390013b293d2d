import { randomBytes } from 'node:crypto';
import type { DockerClient } from '../docker/engine.js';
import { stateDir } from '../state-dir.js';
import type { Reporter } from '../ui/reporter.js';

export type { DockerMount, PreparedMount } from '../plan/mounts.js';

export interface BackendContext {
  docker: DockerClient;
  sandboxId: string;
  /** Default /var/lib/sbx, env SBX_STATE_DIR. */
  stateDir: string;
  /** Progress/diagnostic line to stderr. */
  log: (line: string) => void;
  /** A warning (rendered as one, or as a JSON event under --progress json). */
  warn: (line: string) => void;
  /** With -v: every ossfs/mount argv sbx runs (never holds a secret). */
  trace?: (line: string) => void;
  /** Engine API version, e.g. "1.41"; decides volume-subpath support. */
  apiVersion: string;
  /** This apply's run id: part of the staging paths it plans, so the plan names them before they exist. */
  nonce: string;
  /** What backends learned during this apply (e.g. volumes inspected once), by backend. */
  memo: Map<string, unknown>;
}

/** The -v trace for BackendContext.trace: mount tools' argv printed like docker's. */
function traceOf(docker: DockerClient): ((line: string) => void) | undefined {
  const show = docker.onCommand;
  return show ? (line) => show(line.replace(/^\+ /, '').split(' ')) : undefined;
}

/** What every backend call gets; apiVersion only matters to a pvc sub_path ('0': not asked). */
export function backendContext(docker: DockerClient, sandboxId: string, out: Pick<Reporter, 'info' | 'warn'>, apiVersion = '0', nonce = randomBytes(4).toString('hex')): BackendContext {
  const log = (line: string) => out.info(line);
  const warn = (line: string) => out.warn(line);
  return { docker, sandboxId, stateDir: stateDir(), log, warn, trace: traceOf(docker), apiVersion, nonce, memo: new Map() };
}
