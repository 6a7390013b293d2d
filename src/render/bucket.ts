import type { IPersistentVolume, IPersistentVolumeClaim } from 'kubernetes-models/v1';
import type { SandboxContext } from './context.js';
import { toDnsLabel } from './names.js';

/** PersistentVolumes are cluster-wide, so their Secret reference needs a namespace. */
export const SECRET_NAMESPACE = 'default';
/** Buckets have no size; Kubernetes requires one for binding. */
export const NOMINAL_CAPACITY = '1Ti';

/** The name a bucket volume's Kubernetes objects start with. */
export function bucketBaseName(ctx: SandboxContext, volumeName: string): string {
  return `${ctx.podName}-${toDnsLabel(volumeName)}`;
}

type Csi = NonNullable<NonNullable<IPersistentVolume['spec']>['csi']>;

export interface BucketClaim {
  claimName: string;
  objects: [IPersistentVolume, IPersistentVolumeClaim];
}

/**
 * Static provisioning: one PersistentVolume (bound to its own claim) per volume and sub_path, with the
 * CSI source the driver needs (`csi(name)` gets the PersistentVolume's name).
 */
export function bucketClaim(ctx: SandboxContext, volumeName: string, subPath: string | undefined, readOnly: boolean, csi: (name: string) => Csi): BucketClaim {
  const base = bucketBaseName(ctx, volumeName);
  const name = ctx.objectNames.take(subPath ? `${base}-${subPath}` : base);
  const accessModes: Array<'ReadOnlyMany' | 'ReadWriteMany'> = [readOnly ? 'ReadOnlyMany' : 'ReadWriteMany'];
  const pv: IPersistentVolume = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, labels: ctx.labels },
    spec: { capacity: { storage: NOMINAL_CAPACITY }, accessModes, persistentVolumeReclaimPolicy: 'Retain', storageClassName: '', csi: csi(name) },
  };
  const pvc: IPersistentVolumeClaim = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, labels: ctx.labels },
    spec: { accessModes, storageClassName: '', volumeName: name, resources: { requests: { storage: NOMINAL_CAPACITY } } },
  };
  return { claimName: name, objects: [pv, pvc] };
}


/** The environment variables a bucket's credentials are read from, e.g. OSS_ACCESS_KEY_ID. */
export interface CredentialVars {
  id: string;
  secret: string;
}

/**
 * The credentials a bucket's Secret holds: the environment's only when the user asked for it
 * (--secrets-from-env), never the manifest's inline ones; and the notes that say which it is.
 */
export function bucketCredentials(ctx: SandboxContext, path: string, secretName: string, vars: CredentialVars, hasInline: boolean): { id?: string; secret?: string } {
  const { secretsFromEnv, env } = ctx.credentials;
  const id = secretsFromEnv ? env[vars.id] : undefined;
  const secret = secretsFromEnv ? env[vars.secret] : undefined;
  if (hasInline) {
    ctx.note(path, `inline credentials are not copied into the output; export ${vars.id}/${vars.secret} and render with --secrets-from-env, or fill in Secret ${secretName}`);
  }
  if (secretsFromEnv && (!id || !secret)) {
    ctx.note(path, `--secrets-from-env: ${vars.id} or ${vars.secret} is not set; Secret ${secretName} holds placeholders`);
  } else if (!secretsFromEnv) {
    ctx.note(path, `Secret ${secretName} holds placeholders; fill them in or render with --secrets-from-env`);
  } else {
    ctx.note(path, `Secret ${secretName} holds the credentials from the environment; keep this output private`);
  }
  return id && secret ? { id, secret } : {};
}
