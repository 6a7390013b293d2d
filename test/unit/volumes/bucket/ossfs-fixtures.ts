import type { OssfsVolume } from '../../../../src/manifest/model.js';
import type { DesiredMount } from '../../../../src/plan/desired.js';
import { Secret } from '../../../../src/secret.js';
import { ossfsKeyFor } from '../../../../src/volumes/bucket/identity.js';

export function ossfsVolume(over: Partial<OssfsVolume> = {}): OssfsVolume {
  return {
    kind: 'ossfs',
    name: 'bucket',
    bucket: 'team-bucket',
    endpoint: 'https://oss-cn-hangzhou.aliyuncs.com',
    prefix: 'team-a',
    version: '2.0',
    options: [],
    ...over,
  };
}

export function inlineCredentials(id: string, secret: string): Pick<OssfsVolume, 'accessKeyId' | 'accessKeySecret'> {
  return { accessKeyId: new Secret(id), accessKeySecret: new Secret(secret) };
}

export function ossfsMount(vol: OssfsVolume, over: { subPath?: string; mountPath?: string; readOnly?: boolean; index?: number } = {}): DesiredMount {
  const mount = { name: vol.name, mountPath: over.mountPath ?? '/mnt/oss', subPath: over.subPath, readOnly: over.readOnly ?? false };
  return { index: over.index ?? 0, mount, volume: vol, mountKey: ossfsKeyFor(vol, mount) };
}
