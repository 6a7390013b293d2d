import type { AllowEntry } from './egress.js';
import type { Secret } from '../secret.js';

export type { AllowEntry } from './egress.js';

export type ImagePullPolicy = 'if_not_present' | 'always' | 'never';

/**
 * The normalised, typed sandbox model produced by the manifest loader and consumed by
 * plan/, volumes/, render/. Sizes are bytes, CPU is millicores, defaults are filled in.
 * Field names are camelCase here; the manifest's snake_case stays in manifest/.
 */

export interface SourceRef {
  /** File name as given by the user ("-" for stdin). */
  file: string;
  /** 0-based index of the YAML document inside the file. */
  document: number;
  line: number;
  column: number;
}

export interface Sandbox {
  id: string;
  labels: Record<string, string>;
  /** The sandbox has a network beyond loopback (egress: true or an allow-list). */
  egress: boolean;
  /** egress: {allow: [...]}: only these destinations (undefined with egress true: the public internet only). */
  egressAllow?: AllowEntry[];
  /** 0 = no expiry. */
  ttlSeconds: number;
  ports: PortSpec[];
  readinessProbe?: ReadinessProbe;
  volumes: Volume[];
  containers: Container[];
  source: SourceRef;
  /**
   * The manifest document as written (plain JSON data), with inline OSS credentials removed.
   * Used for the spec label and `sbx get -o yaml` export.
   */
  manifest: Record<string, unknown>;
}

export interface PortSpec {
  containerPort: number;
  protocol: 'tcp' | 'udp';
  hostPort?: number;
}

export interface ReadinessProbe {
  protocol: 'tcp' | 'http';
  port: number;
  path?: string;
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

export type Volume = TmpfsVolume | PvcVolume | HostVolume | OssfsVolume | S3Volume;

/** What the bucket kinds (ossfs, s3) have in common. */
export type BucketVolume = OssfsVolume | S3Volume;

export interface TmpfsVolume {
  kind: 'tmpfs';
  name: string;
  sizeBytes: number;
}

export interface PvcVolume {
  kind: 'pvc';
  name: string;
  claimName: string;
  /** Create the named volume when missing (labelled as created by this sandbox). */
  create: boolean;
}

export interface HostVolume {
  kind: 'host';
  name: string;
  /** Absolute, lexically clean; not yet canonicalised (symlinks are resolved at apply time). */
  path: string;
}

export interface OssfsVolume {
  kind: 'ossfs';
  name: string;
  bucket: string;
  /** Always with a scheme: "https://" is added when the manifest has none; no trailing "/". */
  endpoint: string;
  /** Bucket prefix without leading or trailing "/" ('' = bucket root). */
  prefix: string;
  version: '1.0' | '2.0';
  region?: string;
  /** Raw mount options in manifest order, each without a leading "-". */
  options: string[];
  /** Inline credentials from the manifest, if any (else taken from the environment at apply). */
  accessKeyId?: Secret;
  accessKeySecret?: Secret;
}

export interface S3Volume {
  kind: 's3';
  name: string;
  bucket: string;
  /** With a scheme ("https://" added when the manifest has none), no trailing "/"; default https://s3.amazonaws.com. */
  endpoint: string;
  /** Bucket prefix without leading or trailing "/" ('' = bucket root). */
  prefix: string;
  /** SigV4 signing region (s3fs's `endpoint=` option). */
  region?: string;
  /** Path-style requests (`use_path_request_style`): MinIO, Ceph, local emulators. */
  pathStyle: boolean;
  /** Raw s3fs options in manifest order, each without a leading "-". */
  options: string[];
  /** Inline credentials from the manifest, if any (else AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY at apply). */
  accessKeyId?: Secret;
  accessKeySecret?: Secret;
}

export interface Container {
  name: string;
  image: string;
  /** When the image is pulled before the container is created (default if_not_present). */
  imagePullPolicy: ImagePullPolicy;
  /** Replaces the image ENTRYPOINT (args[0]) and CMD (the rest); undefined/empty = image default. */
  args?: string[];
  /** KEY=VALUE entries in manifest order. */
  env: string[];
  workDir?: string;
  resource: {
    cpuMillis: number;
    memoryBytes: number;
    /** Budget split between /tmp (20%, ≥16Mi when budget ≥ 48Mi) and the root fs. Default 128Mi. */
    ephemeralStorageBytes: number;
  };
  volumeMounts: VolumeMount[];
  readOnly: boolean;
  capAdd: string[];
  capDrop: string[];
  securityOpt: string[];
  tmpfs: TmpfsMount[];
}

export interface VolumeMount {
  /** Name of a volume declared in spec.volumes. */
  name: string;
  mountPath: string;
  /** Relative, clean, no ".." component; undefined = volume root. */
  subPath?: string;
  readOnly: boolean;
}

export interface TmpfsMount {
  mountPath: string;
  /** Comma-separated mount options as written, e.g. "size=16m,mode=1777". */
  options: string;
}

/** A warning found while loading (e.g. inline credentials). Printed to stderr, never fatal. */
export interface ManifestWarning {
  message: string;
  path?: string;
  file?: string;
  line?: number;
  column?: number;
}

export interface LoadResult {
  sandboxes: Sandbox[];
  warnings: ManifestWarning[];
}

export const DEFAULT_EPHEMERAL_STORAGE_BYTES = 128 * 1024 * 1024;
