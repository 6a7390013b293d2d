import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SbxError, type ErrorCode } from '../../errors.js';
import type { BucketVolume } from '../../manifest/model.js';
import { Secret } from '../../secret.js';

export interface Credentials {
  accessKeyId: Secret;
  accessKeySecret: Secret;
}

const FORBIDDEN = /[\n\r\0:]/;

/** Where a kind's credentials come from when the manifest has none, and what a missing pair is called. */
export interface CredentialSource {
  idVar: string;
  secretVar: string;
  /** "OSS", "S3": names the credentials in messages. */
  label: string;
  /** The manifest key of the volume kind, for the hint. */
  field: string;
  code: ErrorCode;
}

/** Inline manifest credentials, else the source's environment variables. Messages never hold a value. */
export function resolveKeyPair(vol: BucketVolume, src: CredentialSource, env: NodeJS.ProcessEnv = process.env): Credentials {
  const inline = Boolean(vol.accessKeyId || vol.accessKeySecret);
  const id = inline ? vol.accessKeyId : env[src.idVar] ? new Secret(env[src.idVar]!) : undefined;
  const secret = inline ? vol.accessKeySecret : env[src.secretVar] ? new Secret(env[src.secretVar]!) : undefined;
  const where = inline ? `volume ${vol.name}: access_key_id and access_key_secret` : `${src.idVar} and ${src.secretVar}`;
  if (!id?.reveal() || !secret?.reveal()) {
    throw new SbxError(src.code, `volume ${vol.name}: ${src.label} credentials are missing (set ${where})`, {
      hint: inline ? undefined : `or give access_key_id / access_key_secret in the ${src.field} volume`,
    });
  }
  if (FORBIDDEN.test(id.reveal()) || FORBIDDEN.test(secret.reveal())) {
    throw new SbxError(src.code, `volume ${vol.name}: ${where} must not contain a newline, NUL or ":"`);
  }
  return { accessKeyId: id, accessKeySecret: secret };
}

/** The access key id a mount will use: inline in the manifest, else from the environment ('' when neither). */
export function accessKeyIdFor(vol: BucketVolume, src: Pick<CredentialSource, 'idVar'>, env: NodeJS.ProcessEnv = process.env): string {
  if (vol.accessKeyId || vol.accessKeySecret) return vol.accessKeyId?.reveal() ?? '';
  return env[src.idVar] ?? '';
}

const PRIVATE_DIR = 'private';
/** Per kind, so that each kind's gc sweep lists only its own leftovers. */
const credPrefix = (kind: string) => `${kind}-cred-`;

/**
 * Writes a 0600 file in a fresh 0700 directory under the state dir and runs fn with its path;
 * the directory is removed afterwards whatever fn does.
 */
export async function withPrivateFile<T>(stateDir: string, kind: string, name: string, content: string, fn: (file: string) => Promise<T>): Promise<T> {
  const parent = path.join(stateDir, PRIVATE_DIR);
  await mkdir(parent, { recursive: true, mode: 0o700 });
  const dir = await mkdtemp(path.join(parent, credPrefix(kind)));
  try {
    const file = path.join(dir, name);
    await writeFile(file, content, { mode: 0o600, flag: 'wx' });
    return await fn(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Credential directories an sbx killed in the middle of a mount left behind (older than maxAgeMs). */
export async function staleCredentialDirs(stateDir: string, kind: string, maxAgeMs: number): Promise<string[]> {
  const parent = path.join(stateDir, PRIVATE_DIR);
  const names = await readdir(parent).catch(() => [] as string[]);
  const out: string[] = [];
  for (const n of names.filter((x) => x.startsWith(credPrefix(kind)))) {
    const p = path.join(parent, n);
    const st = await stat(p).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs > maxAgeMs) out.push(p);
  }
  return out;
}
