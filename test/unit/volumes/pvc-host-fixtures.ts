import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { FakeDocker } from '../../helpers/fake-docker.js';
import { SbxError } from '../../../src/errors.js';
import type { Volume, VolumeMount } from '../../../src/manifest/model.js';
import type { DesiredContainer, DesiredMount } from '../../../src/plan/desired.js';
import type { BackendContext } from '../../../src/volumes/types.js';
import { container } from '../plan/fixtures.js';

export { FakeDocker, type Reply } from '../../helpers/fake-docker.js';

/** The run id of the fixture's apply: part of every staging path it plans. */
export const NONCE = 'a1b2c3d4';

export function context(docker: FakeDocker, stateDir: string, over: Partial<BackendContext> = {}): BackendContext & { lines: string[] } {
  const lines: string[] = [];
  return { docker, sandboxId: 'demo', stateDir, log: (l) => lines.push(l), warn: (l) => lines.push(`warning: ${l}`), apiVersion: '1.41', nonce: NONCE, memo: new Map(), lines, ...over };
}

/** One container mounting one volume. */
export function mountOf(volume: Volume, vm: Partial<VolumeMount> = {}, containerName = 'app', index = 0): { m: DesiredMount; dc: DesiredContainer } {
  const mount: VolumeMount = { name: volume.name, mountPath: '/mnt/data', readOnly: false, ...vm };
  const m: DesiredMount = { index, mount, volume };
  const dc: DesiredContainer = {
    name: containerName,
    dockerName: `sbx-demo..${containerName}`,
    hash: 'h',
    spec: container(containerName, { volumeMounts: [mount] }),
    mounts: [m],
    labels: { 'dev.sbx.sandbox': 'demo', team: 'a' },
    policyCapDrops: [],
  };
  return { m, dc };
}

/** A fresh temp directory, removed after the test file (never recursively through a live mount). */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `sbx-${prefix}-`));
}

export function mountsUnder(dir: string): string[] {
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ')[4].replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
}

/** Expect a promise/function to fail with an SbxError of this code; returns it. */
export async function codeOf(fn: () => unknown): Promise<SbxError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof SbxError) return err;
    if (err && typeof err === 'object' && 'errors' in err) return (err as { errors: SbxError[] }).errors[0];
    throw err;
  }
  throw new Error('expected an error, got success');
}

/** Remove a temp directory, unmounting anything left under it first so no rm follows a bind mount. */
export function removeTempDir(dir: string): void {
  for (const p of mountsUnder(dir).reverse()) execFileSync('umount', ['-l', p]);
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Staging bind mounts under a state dir (the staging root's own tmpfs stays mounted on purpose). */
export function stagedMounts(stateDir: string): string[] {
  return mountsUnder(path.join(stateDir, 'staging')).filter((p) => p !== path.join(stateDir, 'staging'));
}

/**
 * A temp root for this test file whose `<root>/<stateDirName>` is SBX_STATE_DIR (sbx's lock files go
 * there too); the variable is restored and the root removed after the file.
 */
export function useTempStateDir(prefix: string, stateDirName = 'state'): { root: string; stateDir: string } {
  const root = fs.realpathSync(tempDir(prefix));
  const stateDir = path.join(root, stateDirName);
  const saved = process.env.SBX_STATE_DIR;
  process.env.SBX_STATE_DIR = stateDir;
  afterAll(() => {
    if (saved === undefined) delete process.env.SBX_STATE_DIR;
    else process.env.SBX_STATE_DIR = saved;
    removeTempDir(root);
  });
  return { root, stateDir };
}
