import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { SbxError } from '../../errors.js';
import type { OssfsVolume } from '../../manifest/model.js';

const BINARY: Record<OssfsVolume['version'], { name: string; env: string }> = {
  '1.0': { name: 'ossfs', env: 'SBX_OSSFS_BIN' },
  '2.0': { name: 'ossfs2', env: 'SBX_OSSFS2_BIN' },
};

async function executable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The mount binary for an ossfs version: $SBX_OSSFS_BIN / $SBX_OSSFS2_BIN, else ossfs / ossfs2 on PATH. */
export async function findOssfsBinary(version: OssfsVolume['version'], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const { name, env: override } = BINARY[version];
  const explicit = env[override];
  if (explicit) {
    if (await executable(explicit)) return explicit;
    throw new SbxError('OSSFS_BINARY_NOT_FOUND', `${override}=${explicit} is not an executable file`);
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    if (await executable(candidate)) return candidate;
  }
  throw new SbxError('OSSFS_BINARY_NOT_FOUND', `ossfs ${version} volumes need the "${name}" binary, which is not on PATH`, {
    hint: `install ossfs ${version} or point ${override} at it`,
  });
}

export async function checkFuse(device = '/dev/fuse'): Promise<void> {
  const st = await stat(device).catch(() => undefined);
  if (!st?.isCharacterDevice()) {
    throw new SbxError('FUSE_UNAVAILABLE', `ossfs volumes need FUSE, but ${device} does not exist on this host`, {
      hint: 'load the fuse kernel module (modprobe fuse) or run sbx where /dev/fuse is available',
    });
  }
}
