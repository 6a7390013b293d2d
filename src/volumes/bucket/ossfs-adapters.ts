import type { OssfsVolume } from '../../manifest/model.js';
import type { BucketAdapter, BucketKind } from './adapter.js';
import { ossfs1Argv, ossfs1Passwd, ossfs2Argv, ossfs2Config } from './command.js';
import { resolveKeyPair, type CredentialSource } from './credentials.js';
import { OSS_KEY_ID_VAR, ossfsKeyFor } from './identity.js';

export const ossfs1Adapter: BucketAdapter<OssfsVolume> = {
  tool: 'ossfs 1.0',
  binary: { name: 'ossfs', env: 'SBX_OSSFS_BIN' },
  logsToDir: false,
  privateFile: (i) => ({ name: 'passwd', content: ossfs1Passwd(i.vol, i.creds) }),
  argv: (i, bin, file) => ossfs1Argv({ bin, vol: i.vol, prefix: i.prefix, dir: i.dir, passwdFile: file }),
};

export const ossfs2Adapter: BucketAdapter<OssfsVolume> = {
  tool: 'ossfs 2.0',
  binary: { name: 'ossfs2', env: 'SBX_OSSFS2_BIN' },
  logsToDir: true,
  privateFile: (i) => ({ name: 'ossfs2.conf', content: ossfs2Config({ vol: i.vol, prefix: i.prefix, creds: i.creds, logDir: i.logDir }) }),
  argv: (i, bin, file) => ossfs2Argv(bin, i.dir, file),
};

const OSS_CREDENTIALS: CredentialSource = {
  idVar: OSS_KEY_ID_VAR,
  secretVar: 'OSS_ACCESS_KEY_SECRET',
  label: 'OSS',
  field: 'ossfs',
  code: 'OSSFS_CREDENTIALS_MISSING',
};

/** Inline manifest credentials, else OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET. */
export function resolveCredentials(vol: OssfsVolume, env: NodeJS.ProcessEnv = process.env) {
  return resolveKeyPair(vol, OSS_CREDENTIALS, env);
}

export const ossfsKind: BucketKind<OssfsVolume> = {
  kind: 'ossfs',
  scheme: 'oss',
  codes: { binary: 'OSSFS_BINARY_NOT_FOUND', credentials: 'OSSFS_CREDENTIALS_MISSING', mount: 'OSSFS_MOUNT_FAILED', unmount: 'OSSFS_UNMOUNT_FAILED' },
  adapter: (vol) => (vol.version === '1.0' ? ossfs1Adapter : ossfs2Adapter),
  credentials: resolveCredentials,
  key: ossfsKeyFor,
};
