import type { IPersistentVolume, IPersistentVolumeClaim, ISecret } from 'kubernetes-models/v1';
import type { S3Volume } from '../manifest/model.js';
import type { SandboxContext } from './context.js';
import { bucketCredentials } from './bucket-credentials.js';
import { toDnsLabel } from './names.js';
import { SECRET_NAMESPACE } from './ossfs.js';

/** k8s-csi-s3 (github.com/yandex-cloud/k8s-csi-s3): a CSI driver for any S3-compatible store, with an s3fs mounter. */
export const S3_CSI_DRIVER = 'ru.yandex.s3.csi';
const PLACEHOLDER_ID = '<AWS_ACCESS_KEY_ID>';
const PLACEHOLDER_SECRET = '<AWS_SECRET_ACCESS_KEY>';
/** S3 has no size; Kubernetes requires one for binding. */
const NOMINAL_CAPACITY = '1Ti';

function baseName(ctx: SandboxContext, vol: S3Volume): string {
  return `${ctx.podName}-${toDnsLabel(vol.name)}`;
}

/** The Secret the driver reads (accessKeyID, secretAccessKey, endpoint, region). Inline manifest credentials are never copied. */
export function s3Secret(ctx: SandboxContext, vol: S3Volume, path: string): ISecret {
  const name = ctx.objectNames.take(`${baseName(ctx, vol)}-s3`);
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

/** Static provisioning: one PersistentVolume (bound to its own claim) per volume and sub_path; the handle is bucket/prefix. */
export function s3Claim(ctx: SandboxContext, vol: S3Volume, secretName: string, subPath: string | undefined, readOnly: boolean): { claimName: string; objects: [IPersistentVolume, IPersistentVolumeClaim] } {
  const name = ctx.objectNames.take(subPath ? `${baseName(ctx, vol)}-${subPath}` : baseName(ctx, vol));
  const accessModes: Array<'ReadOnlyMany' | 'ReadWriteMany'> = [readOnly ? 'ReadOnlyMany' : 'ReadWriteMany'];
  const prefix = [vol.prefix, subPath].filter(Boolean).join('/');
  const options = [...vol.options, ...(vol.pathStyle ? ['use_path_request_style'] : [])];
  const volumeAttributes: Record<string, string> = { mounter: 's3fs', capacity: NOMINAL_CAPACITY };
  if (options.length) volumeAttributes.options = options.map((o) => `-o ${o}`).join(' ');
  const secretRef = { name: secretName, namespace: SECRET_NAMESPACE };
  const pv: IPersistentVolume = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, labels: ctx.labels },
    spec: {
      capacity: { storage: NOMINAL_CAPACITY },
      accessModes,
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: '',
      csi: {
        driver: S3_CSI_DRIVER,
        volumeHandle: prefix ? `${vol.bucket}/${prefix}` : vol.bucket,
        controllerPublishSecretRef: secretRef,
        nodeStageSecretRef: secretRef,
        nodePublishSecretRef: secretRef,
        volumeAttributes,
      },
    },
  };
  const pvc: IPersistentVolumeClaim = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, labels: ctx.labels },
    spec: { accessModes, storageClassName: '', volumeName: name, resources: { requests: { storage: NOMINAL_CAPACITY } } },
  };
  return { claimName: name, objects: [pv, pvc] };
}
