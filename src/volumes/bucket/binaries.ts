import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { SbxError } from '../../errors.js';
import type { BucketAdapter, BucketKind } from './adapter.js';

async function executable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The adapter's mount binary: the path in its env variable (e.g. $SBX_OSSFS_BIN), else its name on PATH. */
export async function findMountBinary(adapter: Pick<BucketAdapter, 'binary' | 'tool'>, kind: Pick<BucketKind, 'kind' | 'codes'>, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const { name, env: override } = adapter.binary;
  const explicit = env[override];
  if (explicit) {
    if (await executable(explicit)) return explicit;
    throw new SbxError(kind.codes.binary, `${override}=${explicit} is not an executable file`);
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    if (await executable(candidate)) return candidate;
  }
  throw new SbxError(kind.codes.binary, `${adapter.tool} volumes need the "${name}" binary, which is not on PATH`, {
    hint: `install ${adapter.tool} or point ${override} at it`,
  });
}

export async function checkFuse(device = '/dev/fuse'): Promise<void> {
  const st = await stat(device).catch(() => undefined);
  if (!st?.isCharacterDevice()) {
    throw new SbxError('FUSE_UNAVAILABLE', `bucket volumes (ossfs, s3) need FUSE, but ${device} does not exist on this host`, {
      hint: 'load the fuse kernel module (modprobe fuse) or run sbx where /dev/fuse is available',
    });
  }
}
