import type { OssfsVolume } from '../../manifest/model.js';
import type { Credentials } from './credentials.js';

/** Option names sbx sets itself; a user option may not override them (credentials, endpoint, prefix, logs). */
const RESERVED: Record<OssfsVolume['version'], string[]> = {
  '1.0': ['url', 'passwd_file', 'bucket', 'credential_process', 'credlib'],
  '2.0': ['oss_endpoint', 'oss_bucket', 'oss_bucket_prefix', 'oss_access_key_id', 'oss_access_key_secret', 'oss_region', 'log_dir', 'conf', 'c', 'credential_process'],
};

/** Why a raw mount option is refused, or undefined. The loader checks the same; this guards the argv/config we build. */
export function optionProblem(opt: string, version: OssfsVolume['version']): string | undefined {
  if (!opt.trim()) return 'is empty';
  if (opt.startsWith('-')) return 'must not start with "-" (write "allow_other", not "-o allow_other")';
  if (/[\s\0]/.test(opt)) return 'must not contain whitespace, line breaks or NUL';
  if (/[;&|`$()<>\\]/.test(opt)) return 'must not contain shell metacharacters';
  const name = opt.split('=')[0];
  if (RESERVED[version].includes(name)) return `sets "${name}", which sbx manages itself`;
  return undefined;
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
  const source = i.prefix ? `${i.vol.bucket}:/${i.prefix}` : i.vol.bucket;
  const opts = [`url=${i.vol.endpoint}`, `passwd_file=${i.passwdFile}`];
  if (!i.vol.options.some((o) => o.split('=')[0] === 'allow_other')) opts.push('allow_other');
  if (i.vol.region) opts.push('sigv4', `region=${i.vol.region}`);
  opts.push(...i.vol.options);
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
  const lines = [
    `--oss_endpoint=${i.vol.endpoint}`,
    `--oss_bucket=${i.vol.bucket}`,
    `--oss_access_key_id=${i.creds.accessKeyId.reveal()}`,
    `--oss_access_key_secret=${i.creds.accessKeySecret.reveal()}`,
  ];
  if (i.prefix) lines.push(`--oss_bucket_prefix=${i.prefix}/`);
  if (i.vol.region) lines.push(`--oss_region=${i.vol.region}`);
  lines.push(`--log_dir=${i.logDir}`);
  lines.push(...i.vol.options.map((o) => `--${o}`));
  return lines.join('\n') + '\n';
}
