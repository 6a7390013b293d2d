import { createHash } from 'node:crypto';
import path from 'node:path';
import type { BucketVolume, OssfsVolume, VolumeMount } from '../../manifest/model.js';
import { accessKeyIdFor } from './credentials.js';

/** Bucket prefix of one mount: the volume's prefix extended by the mount's sub_path, without leading or trailing "/". */
export function fullPrefix(vol: BucketVolume, subPath?: string): string {
  return [vol.prefix, subPath ?? '']
    .flatMap((p) => p.split('/'))
    .filter((seg) => seg !== '' && seg !== '.')
    .join('/');
}

/** A mount key from a mount's identity (never a secret; the access key id is part of it). */
export function keyOf(identity: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 20);
}

export const OSS_KEY_ID_VAR = 'OSS_ACCESS_KEY_ID';

/**
 * One FUSE mount per distinct (version, endpoint, bucket, full prefix, options, region, access key id).
 * The key id is part of it so that a sandbox with other credentials never reuses someone else's mount;
 * the secret is not, so the key (which lands in labels) reveals nothing.
 */
export function ossfsKeyFor(vol: OssfsVolume, vm: Pick<VolumeMount, 'subPath'>, env: NodeJS.ProcessEnv = process.env): string {
  return keyOf({
    version: vol.version,
    endpoint: vol.endpoint,
    bucket: vol.bucket,
    prefix: fullPrefix(vol, vm.subPath),
    options: [...vol.options].sort(),
    region: vol.region ?? '',
    accessKeyId: accessKeyIdFor(vol, { idVar: OSS_KEY_ID_VAR }, env),
  });
}

/** Where a kind's mounts live: <state dir>/<kind>/<key>. Absolute even for a relative SBX_STATE_DIR: mount points are compared with the mount table. */
export function mountRoot(stateDir: string, kind: string): string {
  return path.resolve(stateDir, kind);
}

export function mountDirFor(stateDir: string, kind: string, key: string): string {
  return path.join(mountRoot(stateDir, kind), key);
}

/** Tools that log to files (ossfs 2.0) write below this; outside the mount root so gc never mistakes a log dir for a mount. */
export function logRoot(stateDir: string, kind: string): string {
  return path.resolve(stateDir, `${kind}-logs`);
}

export function logDirFor(stateDir: string, kind: string, key: string): string {
  return path.join(logRoot(stateDir, kind), key);
}

export function displaySource(scheme: string, vol: BucketVolume, subPath?: string): string {
  return `${scheme}://${vol.bucket}/${fullPrefix(vol, subPath)}`;
}

export const KEY_PATTERN = /^[0-9a-f]{20}$/;
