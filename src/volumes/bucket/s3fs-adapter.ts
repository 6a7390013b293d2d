import type { S3Volume, VolumeMount } from '../../manifest/model.js';
import type { BucketAdapter, BucketKind } from './adapter.js';
import { accessKeyIdFor, resolveKeyPair, type Credentials, type CredentialSource } from './credentials.js';
import { fullPrefix, keyOf } from './identity.js';
import { assertSafeOptions, toolOptions } from './options.js';

export interface S3fsInput {
  bin: string;
  vol: S3Volume;
  /** Full prefix (volume prefix + sub_path), no leading or trailing "/". */
  prefix: string;
  dir: string;
  passwdFile: string;
}

/**
 * `s3fs BUCKET[:/PREFIX] DIR -o url=… -o passwd_file=… -o allow_other [-o endpoint=REGION] [-o use_path_request_style] [-o opt]…`
 * The region goes to `endpoint=`: s3fs 1.90 (Debian 12) rejects `region=` (it only exists from 1.96).
 */
export function s3fsArgv(i: S3fsInput): string[] {
  assertSafeOptions(i.vol, 's3fs');
  const options = toolOptions(i.vol, 's3fs');
  const source = i.prefix ? `${i.vol.bucket}:/${i.prefix}` : i.vol.bucket;
  const opts = [`url=${i.vol.endpoint}`, `passwd_file=${i.passwdFile}`];
  if (!options.includes('allow_other')) opts.push('allow_other');
  if (i.vol.region) opts.push(`endpoint=${i.vol.region}`);
  if (i.vol.pathStyle && !options.includes('use_path_request_style')) opts.push('use_path_request_style');
  opts.push(...options);
  return [i.bin, source, i.dir, ...opts.flatMap((o) => ['-o', o])];
}

/** s3fs passwd file: one `BUCKET:ID:SECRET` line (the same format as ossfs 1.0's). */
export function s3fsPasswd(vol: S3Volume, creds: Credentials): string {
  return `${vol.bucket}:${creds.accessKeyId.reveal()}:${creds.accessKeySecret.reveal()}\n`;
}

export const s3fsAdapter: BucketAdapter<S3Volume> = {
  tool: 's3fs',
  binary: { name: 's3fs', env: 'SBX_S3FS_BIN' },
  logsToDir: false,
  privateFile: (i) => ({ name: 'passwd', content: s3fsPasswd(i.vol, i.creds) }),
  argv: (i, bin, file) => s3fsArgv({ bin, vol: i.vol, prefix: i.prefix, dir: i.dir, passwdFile: file }),
};

const AWS_CREDENTIALS: CredentialSource = {
  idVar: 'AWS_ACCESS_KEY_ID',
  secretVar: 'AWS_SECRET_ACCESS_KEY',
  label: 'S3',
  field: 's3',
  code: 'S3_CREDENTIALS_MISSING',
};

/** One FUSE mount per distinct (endpoint, bucket, full prefix, options, region, path style, access key id). */
export function s3KeyFor(vol: S3Volume, vm: Pick<VolumeMount, 'subPath'>, env: NodeJS.ProcessEnv = process.env): string {
  return keyOf({
    tool: 's3fs',
    endpoint: vol.endpoint,
    bucket: vol.bucket,
    prefix: fullPrefix(vol, vm.subPath),
    options: [...vol.options].sort(),
    region: vol.region ?? '',
    pathStyle: vol.pathStyle,
    accessKeyId: accessKeyIdFor(vol, AWS_CREDENTIALS, env),
  });
}

export const s3Kind: BucketKind<S3Volume> = {
  kind: 's3',
  scheme: 's3',
  codes: { binary: 'S3FS_BINARY_NOT_FOUND', credentials: 'S3_CREDENTIALS_MISSING', mount: 'S3_MOUNT_FAILED', unmount: 'S3_UNMOUNT_FAILED' },
  adapter: () => s3fsAdapter,
  credentials: (vol, env) => resolveKeyPair(vol, AWS_CREDENTIALS, env),
  key: s3KeyFor,
};
