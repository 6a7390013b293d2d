import type { OssfsVolume } from '../../manifest/model.js';
import type { MountTool } from '../../manifest/mount-options.js';
import type { Credentials } from './credentials.js';
import { assertSafeOptions, toolOptions } from './options.js';

/** The mount tool that reads a volume's raw options. */
export function optionTool(version: OssfsVolume['version']): MountTool {
  return version === '1.0' ? 'ossfs 1.0' : 'ossfs 2.0';
}

function splitOptions(vol: OssfsVolume): string[] {
  return toolOptions(vol, optionTool(vol.version));
}

export interface Ossfs1Input {
  bin: string;
  vol: OssfsVolume;
  /** Full prefix (volume prefix + sub_path), no leading or trailing "/". */
  prefix: string;
  dir: string;
  passwdFile: string;
}

/** `ossfs BUCKET[:/PREFIX] DIR -o url=… -o passwd_file=… -o allow_other [-o sigv4 -o region=R] [-o opt]…` */
export function ossfs1Argv(i: Ossfs1Input): string[] {
  assertSafeOptions(i.vol, optionTool(i.vol.version));
  const options = splitOptions(i.vol);
  const source = i.prefix ? `${i.vol.bucket}:/${i.prefix}` : i.vol.bucket;
  const opts = [`url=${i.vol.endpoint}`, `passwd_file=${i.passwdFile}`];
  if (!options.includes('allow_other')) opts.push('allow_other');
  if (i.vol.region) opts.push('sigv4', `region=${i.vol.region}`);
  opts.push(...options);
  return [i.bin, source, i.dir, ...opts.flatMap((o) => ['-o', o])];
}

/** ossfs 1.0 passwd file: one `BUCKET:ID:SECRET` line. */
export function ossfs1Passwd(vol: OssfsVolume, creds: Credentials): string {
  return `${vol.bucket}:${creds.accessKeyId.reveal()}:${creds.accessKeySecret.reveal()}\n`;
}

/** `ossfs2 mount DIR -c CONF` */
export function ossfs2Argv(bin: string, dir: string, confFile: string): string[] {
  return [bin, 'mount', dir, '-c', confFile];
}

export interface Ossfs2Input {
  vol: OssfsVolume;
  prefix: string;
  creds: Credentials;
  logDir: string;
}

/** ossfs 2.0 config (a gflags flagfile, one `--key=value` per line). allow_other is ossfs2's default. */
export function ossfs2Config(i: Ossfs2Input): string {
  assertSafeOptions(i.vol, optionTool(i.vol.version));
  const lines = [
    `--oss_endpoint=${i.vol.endpoint}`,
    `--oss_bucket=${i.vol.bucket}`,
    `--oss_access_key_id=${i.creds.accessKeyId.reveal()}`,
    `--oss_access_key_secret=${i.creds.accessKeySecret.reveal()}`,
  ];
  if (i.prefix) lines.push(`--oss_bucket_prefix=${i.prefix}/`);
  if (i.vol.region) lines.push(`--oss_region=${i.vol.region}`);
  lines.push(`--log_dir=${i.logDir}`);
  lines.push(...splitOptions(i.vol).map((o) => `--${o}`));
  return lines.join('\n') + '\n';
}
