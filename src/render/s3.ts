import type { ISecret } from 'kubernetes-models/v1';
import type { S3Volume } from '../manifest/model.js';
import type { SandboxContext } from './context.js';
import { bucketBaseName, bucketClaim, bucketCredentials, NOMINAL_CAPACITY, SECRET_NAMESPACE, type BucketClaim } from './bucket.js';

/** k8s-csi-s3 (github.com/yandex-cloud/k8s-csi-s3): a CSI driver for any S3-compatible store, with an s3fs mounter. */
export const S3_CSI_DRIVER = 'ru.yandex.s3.csi';
const PLACEHOLDER_ID = '<AWS_ACCESS_KEY_ID>';
const PLACEHOLDER_SECRET = '<AWS_SECRET_ACCESS_KEY>';

/** The Secret the driver reads (accessKeyID, secretAccessKey, endpoint, region). Inline manifest credentials are never copied. */
export function s3Secret(ctx: SandboxContext, vol: S3Volume, path: string): ISecret {
  const name = ctx.objectNames.take(`${bucketBaseName(ctx, vol.name)}-s3`);
  ctx.note(path, `rendered for the k8s-csi-s3 driver (${S3_CSI_DRIVER}, github.com/yandex-cloud/k8s-csi-s3) with its s3fs mounter; install it in the cluster first`);
  const { id, secret } = bucketCredentials(ctx, path, name, { id: 'AWS_ACCESS_KEY_ID', secret: 'AWS_SECRET_ACCESS_KEY' }, Boolean(vol.accessKeyId || vol.accessKeySecret));
  const stringData: Record<string, string> = {
    accessKeyID: id ?? PLACEHOLDER_ID,
    secretAccessKey: secret ?? PLACEHOLDER_SECRET,
    endpoint: vol.endpoint,
  };
  if (vol.region) stringData.region = vol.region;
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: SECRET_NAMESPACE, labels: ctx.labels }, type: 'Opaque', stringData };
}

/** The PersistentVolume and claim of one s3 volume and sub_path; the handle is bucket/prefix. */
export function s3Claim(ctx: SandboxContext, vol: S3Volume, secretName: string, subPath: string | undefined, readOnly: boolean): BucketClaim {
  const prefix = [vol.prefix, subPath].filter(Boolean).join('/');
  const options = [...vol.options, ...(vol.pathStyle ? ['use_path_request_style'] : [])];
  const volumeAttributes: Record<string, string> = { mounter: 's3fs', capacity: NOMINAL_CAPACITY };
  if (options.length) volumeAttributes.options = options.map((o) => `-o ${o}`).join(' ');
  const secretRef = { name: secretName, namespace: SECRET_NAMESPACE };
  return bucketClaim(ctx, vol.name, subPath, readOnly, () => ({
    driver: S3_CSI_DRIVER,
    volumeHandle: prefix ? `${vol.bucket}/${prefix}` : vol.bucket,
    controllerPublishSecretRef: secretRef,
    nodeStageSecretRef: secretRef,
    nodePublishSecretRef: secretRef,
    volumeAttributes,
  }));
}
