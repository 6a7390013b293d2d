import { execa } from '../../lazy-execa.js';
import { SbxError, type ErrorCode } from '../../errors.js';
import { mountAt } from './mountinfo.js';

const STEP_TIMEOUT_MS = 20_000;
/** Stacked mounts at one directory (a remount over a dead one) are taken off one by one. */
const MAX_LAYERS = 8;

const POLITE: string[][] = [['fusermount', '-u'], ['fusermount3', '-u'], ['umount']];
const LAZY: string[][] = [['umount', '-l'], ['fusermount', '-uz'], ['fusermount3', '-uz']];

/**
 * Take every mount off dir: `fusermount -u` (or fusermount3 / umount), then a lazy unmount when the
 * mount is busy or its daemon is dead. Resolves when the mount table no longer lists dir.
 */
export async function unmountDir(dir: string, opts: { lazyFirst?: boolean; log?: (line: string) => void; code?: ErrorCode } = {}): Promise<void> {
  const attempts = opts.lazyFirst ? [...LAZY, ...POLITE] : [...POLITE, ...LAZY];
  let lastError = '';
  for (let layer = 0; layer < MAX_LAYERS; layer++) {
    const top = await mountAt(dir);
    if (!top) return;
    for (const cmd of attempts) {
      const argv = [...cmd, dir];
      opts.log?.(`+ ${argv.join(' ')}`);
      const res = await execa(argv[0], argv.slice(1), { reject: false, timeout: STEP_TIMEOUT_MS, killSignal: 'SIGKILL', stdin: 'ignore' });
      if (res.exitCode !== 0 && (res as { code?: string }).code !== 'ENOENT') {
        lastError = String(res.stderr).trim() || (res.timedOut ? `${argv[0]} timed out` : `${argv[0]} exited ${res.exitCode}`);
      }
      if ((await mountAt(dir))?.mountId !== top.mountId) break;
    }
    if ((await mountAt(dir))?.mountId === top.mountId) break;
  }
  if (await mountAt(dir)) {
    throw new SbxError(opts.code ?? 'OSSFS_UNMOUNT_FAILED', `cannot unmount ${dir}: ${lastError || 'still mounted'}`, {
      hint: `find what keeps it busy (fuser -m ${dir}) and run sbx gc again`,
    });
  }
}
