import type { ISecret } from 'kubernetes-models/v1';
import type { OssfsVolume } from '../manifest/model.js';
import type { SandboxContext } from './context.js';
import { bucketBaseName, bucketClaim, bucketCredentials, SECRET_NAMESPACE, type BucketClaim } from './bucket.js';

export const OSS_CSI_DRIVER = 'ossplugin.csi.alibabacloud.com';
const PLACEHOLDER_ID = '<OSS_ACCESS_KEY_ID>';
const PLACEHOLDER_SECRET = '<OSS_ACCESS_KEY_SECRET>';

/**
 * The credentials Secret the CSI driver reads (keys akId/akSecret). Inline manifest credentials are
 * never copied; values come from the environment only when the user asked for it.
 */
export function ossSecret(ctx: SandboxContext, vol: OssfsVolume, path: string): ISecret {
  const name = ctx.objectNames.take(`${bucketBaseName(ctx, vol.name)}-oss`);
  const { id, secret } = bucketCredentials(ctx, path, name, { id: 'OSS_ACCESS_KEY_ID', secret: 'OSS_ACCESS_KEY_SECRET' }, Boolean(vol.accessKeyId || vol.accessKeySecret));
  ctx.note(path, `the PersistentVolume reads Secret ${name} from namespace "${SECRET_NAMESPACE}"; apply the objects there or edit nodePublishSecretRef`);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: SECRET_NAMESPACE, labels: ctx.labels },
    type: 'Opaque',
    stringData: { akId: id ?? PLACEHOLDER_ID, akSecret: secret ?? PLACEHOLDER_SECRET },
  };
}

/** Bucket path for the driver: sub_path extends the prefix, as on Docker, so no path walk happens inside the bucket. */
function bucketPath(vol: OssfsVolume, subPath: string | undefined): string {
  return `/${[vol.prefix, subPath].filter(Boolean).join('/')}`;
}

/** The PersistentVolume and claim of one ossfs volume and sub_path. */
export function ossClaim(ctx: SandboxContext, vol: OssfsVolume, secretName: string, subPath: string | undefined, readOnly: boolean): BucketClaim {
  const volumeAttributes: Record<string, string> = {
    bucket: vol.bucket,
    url: vol.endpoint,
    path: bucketPath(vol, subPath),
    fuseType: vol.version === '2.0' ? 'ossfs2' : 'ossfs',
  };
  if (vol.options.length) volumeAttributes.otherOpts = vol.options.map((o) => `-o ${o}`).join(' ');
  if (vol.region) Object.assign(volumeAttributes, { region: vol.region, sigVersion: 'v4' });
  return bucketClaim(ctx, vol.name, subPath, readOnly, (name) => ({
    driver: OSS_CSI_DRIVER,
    volumeHandle: name,
    nodePublishSecretRef: { name: secretName, namespace: SECRET_NAMESPACE },
    volumeAttributes,
  }));
}
