import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SbxError } from '../../errors.js';
import type { OssfsVolume } from '../../manifest/model.js';
import { Secret } from '../../secret.js';

export interface Credentials {
  accessKeyId: Secret;
  accessKeySecret: Secret;
}

const FORBIDDEN = /[\n\r\0:]/;

/** Inline manifest credentials, else OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET. Messages never hold a value. */
export function resolveCredentials(vol: OssfsVolume, env: NodeJS.ProcessEnv = process.env): Credentials {
  const inline = Boolean(vol.accessKeyId || vol.accessKeySecret);
  const id = inline ? vol.accessKeyId : env.OSS_ACCESS_KEY_ID ? new Secret(env.OSS_ACCESS_KEY_ID) : undefined;
  const secret = inline ? vol.accessKeySecret : env.OSS_ACCESS_KEY_SECRET ? new Secret(env.OSS_ACCESS_KEY_SECRET) : undefined;
  const where = inline ? `volume ${vol.name}: access_key_id and access_key_secret` : 'OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET';
  if (!id?.reveal() || !secret?.reveal()) {
    throw new SbxError('OSSFS_CREDENTIALS_MISSING', `volume ${vol.name}: OSS credentials are missing (set ${where})`, {
      hint: inline ? undefined : 'or give access_key_id / access_key_secret in the ossfs volume',
    });
  }
  if (FORBIDDEN.test(id.reveal()) || FORBIDDEN.test(secret.reveal())) {
    throw new SbxError('OSSFS_CREDENTIALS_MISSING', `volume ${vol.name}: ${where} must not contain a newline, NUL or ":"`);
  }
  return { accessKeyId: id, accessKeySecret: secret };
}

const PRIVATE_DIR = 'private';
const CRED_PREFIX = 'cred-';

/**
 * Writes a 0600 file in a fresh 0700 directory under the state dir and runs fn with its path;
 * the directory is removed afterwards whatever fn does.
 */
export async function withPrivateFile<T>(stateDir: string, name: string, content: string, fn: (file: string) => Promise<T>): Promise<T> {
  const parent = path.join(stateDir, PRIVATE_DIR);
  await mkdir(parent, { recursive: true, mode: 0o700 });
  const dir = await mkdtemp(path.join(parent, CRED_PREFIX));
  try {
    const file = path.join(dir, name);
    await writeFile(file, content, { mode: 0o600, flag: 'wx' });
    return await fn(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Credential directories an sbx killed in the middle of a mount left behind (older than maxAgeMs). */
export async function staleCredentialDirs(stateDir: string, maxAgeMs: number): Promise<string[]> {
  const parent = path.join(stateDir, PRIVATE_DIR);
  const names = await readdir(parent).catch(() => [] as string[]);
  const out: string[] = [];
  for (const n of names.filter((x) => x.startsWith(CRED_PREFIX))) {
    const p = path.join(parent, n);
    const st = await stat(p).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs > maxAgeMs) out.push(p);
  }
  return out;
}
