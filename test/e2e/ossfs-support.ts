/** Shared setup of the ossfs e2e files: an S3 emulator, the ossfs test doubles, manifests, mount inspection. */
import { execa } from 'execa';
import path from 'node:path';
import { expect } from 'vitest';
import { L } from '../../src/labels.js';
import { ROOT } from '../helpers/cli.js';
import { STATE_DIR, TEST_IMAGE, docker, dockerResult, mountsUnder, sandboxLabel, sid, writeManifest } from '../helpers/e2e.js';
import { S3_KEY_ID, startS3, type S3Server } from '../helpers/s3.js';

export const BUCKET = 'e2e-bucket';
export const OSSFS_ROOT = path.join(STATE_DIR, 'ossfs');

export interface OssfsEnv {
  s3: S3Server;
  /** Environment for sbx: doubles on SBX_OSSFS_BIN / SBX_OSSFS2_BIN, credentials for the emulator. */
  env: Record<string, string>;
  secret: string;
}

export async function startOssfsEnv(): Promise<OssfsEnv> {
  const s3 = await startS3([BUCKET]);
  const secret = `e2e-secret-${Math.random().toString(36).slice(2, 12)}`;
  return {
    s3,
    secret,
    env: {
      SBX_OSSFS_BIN: path.join(ROOT, 'test/bin/ossfs'),
      SBX_OSSFS2_BIN: path.join(ROOT, 'test/bin/ossfs2'),
      OSS_ACCESS_KEY_ID: S3_KEY_ID,
      OSS_ACCESS_KEY_SECRET: secret,
    },
  };
}

export interface OssVolume {
  path?: string;
  version?: '1.0' | '2.0';
  endpoint?: string;
  access_key_id?: string;
  access_key_secret?: string;
}

export interface OssMount {
  volume: string;
  at: string;
  sub_path?: string;
  read_only?: boolean;
}

/** A manifest with ossfs volumes (against the emulator) and busybox containers that only sleep. */
export function ossfsManifest(s3: S3Server, id: string, volumes: Record<string, OssVolume>, containers: Record<string, OssMount[]>): string {
  return bucketManifest(id, Object.entries(volumes).map(([name, v]) => ({ name, ossfs: { bucket: BUCKET, endpoint: s3.endpoint, version: '1.0', ...v } })), containers);
}

/** A manifest with these volumes and busybox containers that only sleep, each mounting what `containers` lists. */
export function bucketManifest(id: string, volumes: Record<string, unknown>[], containers: Record<string, OssMount[]>): string {
  return writeManifest({
    apiVersion: 'sandboxd.o/v1',
    kind: 'Sandbox',
    id,
    spec: {
      volumes,
      containers: Object.entries(containers).map(([name, mounts]) => ({
        name,
        image: TEST_IMAGE,
        args: ['sh', '-c', 'sleep 3600'],
        resource: { cpu: '100m', memory: '64Mi' },
        volume_mounts: mounts.map((m) => ({ name: m.volume, mount_path: m.at, sub_path: m.sub_path, read_only: m.read_only })),
      })),
    },
  });
}

/** ossfs mount points on the host (one per key directory). */
export function ossfsMounts(): string[] {
  return mountsUnder(OSSFS_ROOT);
}

/** Mount keys the sandbox's containers are labelled with. */
export async function mountKeysOf(name: string): Promise<string[]> {
  const ids = (await docker(['ps', '-a', '-q', '--filter', `label=${sandboxLabel(sid(name))}`])).split('\n').filter(Boolean);
  if (!ids.length) return [];
  const labels = (await docker(['inspect', '--format', `{{index .Config.Labels "${L.hostResources}"}}`, ...ids])).split('\n');
  const held = labels.filter((l) => l.trim()).flatMap((l) => JSON.parse(l) as { ref: string; shared?: boolean }[]);
  return [...new Set(held.filter((h) => h.shared).map((h) => h.ref))].sort();
}

export function mountDirOf(key: string): string {
  return path.join(OSSFS_ROOT, key);
}

/** Kill the FUSE daemon (s3fs, also under the ossfs doubles) serving dir, or a remount bound onto it; the mount stays as a dead endpoint. */
export async function killFuseDaemon(dir: string): Promise<void> {
  const { stdout } = await execa('pgrep', ['-f', `s3fs .* ${dir}(\\.remount)?( |$)`], { reject: false });
  const pids = stdout.split('\n').filter(Boolean);
  expect(pids.length).toBeGreaterThan(0);
  for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
  await new Promise((r) => setTimeout(r, 300));
}

/** The id of a sandbox container (found by its labels). */
export async function containerId(name: string, container: string): Promise<string> {
  return docker(['ps', '-q', '--no-trunc', '--filter', `label=${sandboxLabel(sid(name))}`, '--filter', `label=${L.container}=${container}`]);
}

/** Run a shell command in a sandbox container (found by its labels). */
export async function sh(name: string, container: string, script: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const id = await docker(['ps', '-q', '--filter', `label=${sandboxLabel(sid(name))}`, '--filter', `label=${L.container}=${container}`]);
  return dockerResult(['exec', id, 'sh', '-c', script]);
}
