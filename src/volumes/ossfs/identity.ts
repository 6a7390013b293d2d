import { createHash } from 'node:crypto';
import path from 'node:path';
import type { OssfsVolume, VolumeMount } from '../../manifest/model.js';

/** Bucket prefix of one mount: the volume's prefix extended by the mount's sub_path, without leading or trailing "/". */
export function fullPrefix(vol: OssfsVolume, subPath?: string): string {
  return [vol.prefix, subPath ?? '']
    .flatMap((p) => p.split('/'))
    .filter((seg) => seg !== '' && seg !== '.')
    .join('/');
}

/** The access key id a mount will use: inline in the manifest, else from the environment ('' when neither). */
export function accessKeyIdFor(vol: OssfsVolume, env: NodeJS.ProcessEnv = process.env): string {
  if (vol.accessKeyId || vol.accessKeySecret) return vol.accessKeyId?.reveal() ?? '';
  return env.OSS_ACCESS_KEY_ID ?? '';
}

/**
 * One FUSE mount per distinct (version, endpoint, bucket, full prefix, options, region, access key id).
 * The key id is part of it so that a sandbox with other credentials never reuses someone else's mount;
 * the secret is not, so the key (which lands in labels) reveals nothing.
 */
export function ossfsKeyFor(vol: OssfsVolume, vm: Pick<VolumeMount, 'subPath'>, env: NodeJS.ProcessEnv = process.env): string {
  const identity = {
    version: vol.version,
    endpoint: vol.endpoint,
    bucket: vol.bucket,
    prefix: fullPrefix(vol, vm.subPath),
    options: [...vol.options].sort(),
    region: vol.region ?? '',
    accessKeyId: accessKeyIdFor(vol, env),
  };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 20);
}

/** Absolute even for a relative SBX_STATE_DIR: mount points are compared with the mount table. */
export function ossfsRoot(stateDir: string): string {
  return path.resolve(stateDir, 'ossfs');
}

export function mountDirFor(stateDir: string, key: string): string {
  return path.join(ossfsRoot(stateDir), key);
}

/** ossfs 2.0 writes its logs below this; outside the mount root so gc never mistakes a log dir for a mount. */
export function ossfsLogRoot(stateDir: string): string {
  return path.resolve(stateDir, 'ossfs-logs');
}

export function logDirFor(stateDir: string, key: string): string {
  return path.join(ossfsLogRoot(stateDir), key);
}

export function displaySource(vol: OssfsVolume, subPath?: string): string {
  const prefix = fullPrefix(vol, subPath);
  return `oss://${vol.bucket}/${prefix}`;
}

export const KEY_PATTERN = /^[0-9a-f]{20}$/;
