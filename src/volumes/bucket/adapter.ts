import type { ErrorCode } from '../../errors.js';
import type { BucketVolume, VolumeMount } from '../../manifest/model.js';
import type { MountTool } from '../../manifest/mount-options.js';
import type { Credentials } from './credentials.js';

/** What a mount tool needs to mount one key. */
export interface MountInput<V extends BucketVolume = BucketVolume> {
  vol: V;
  /** Full prefix (volume prefix + sub_path), no leading or trailing "/". */
  prefix: string;
  dir: string;
  creds: Credentials;
  /** Per-mount log directory, for tools that log only to files. */
  logDir: string;
}

/** One mount tool (ossfs 1.0, ossfs 2.0, s3fs): its binary, its command line and the private file it reads. */
export interface BucketAdapter<V extends BucketVolume = BucketVolume> {
  tool: MountTool;
  /** Found on PATH by name, or at the path in the env variable. */
  binary: { name: string; env: string };
  /** Errors are only in its log files (ossfs 2.0): the mount gets a log directory, tailed on failure. */
  logsToDir: boolean;
  /** The 0600 file holding the credentials (and, for some tools, the whole configuration). */
  privateFile(i: MountInput<V>): { name: string; content: string };
  /** The command line; it names the private file, never a secret. */
  argv(i: MountInput<V>, bin: string, file: string): string[];
}

/** One bucket volume kind (ossfs, s3): the tool for a volume, its credentials, its mount key and error codes. */
export interface BucketKind<V extends BucketVolume = BucketVolume> {
  kind: V['kind'];
  /** URL scheme shown for the bucket: "oss", "s3". */
  scheme: string;
  codes: { binary: ErrorCode; credentials: ErrorCode; mount: ErrorCode; unmount: ErrorCode };
  adapter(vol: V): BucketAdapter<V>;
  /** Inline credentials, else the kind's environment variables; throws codes.credentials. */
  credentials(vol: V, env?: NodeJS.ProcessEnv): Credentials;
  /** One FUSE mount per key; the key lands in labels, so it must reveal no secret. */
  key(vol: V, vm: Pick<VolumeMount, 'subPath'>, env?: NodeJS.ProcessEnv): string;
}
