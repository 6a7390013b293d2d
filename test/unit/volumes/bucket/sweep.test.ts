import { execa } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { s3Backend } from '../../../../src/volumes/s3.js';
import { withLocks } from '../../../../src/lock.js';
import { mountLockNames } from '../../../../src/volumes/mount-lock.js';
import { context, FakeDocker, mountsUnder, useTempStateDir } from '../pvc-host-fixtures.js';

const asRoot = process.getuid?.() === 0;
const KEY_A = '0123456789abcdef0123';
const KEY_B = 'fedcba9876543210fedc';

describe('gc of what an interrupted remount left (<key>.remount)', () => {
  const { stateDir } = useTempStateDir('sbx-remount-sweep-');
  const dirOf = (key: string) => path.join(stateDir, 's3', `${key}.remount`);
  afterEach(async () => {
    for (const m of mountsUnder(stateDir).reverse()) await execa('umount', ['-l', m], { reject: false });
    fs.rmSync(path.join(stateDir, 's3'), { recursive: true, force: true });
  });

  it.runIf(asRoot)('a leftover mount point and a leftover directory: listed under --dry-run and kept, then unmounted and removed', async () => {
    fs.mkdirSync(dirOf(KEY_A), { recursive: true });
    fs.mkdirSync(dirOf(KEY_B), { recursive: true });
    await execa('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'sbx-test', dirOf(KEY_A)]);
    const ctx = context(new FakeDocker(), stateDir);

    const dry = await s3Backend.sweep(ctx, true);
    expect(dry.map((a) => `${a.what}: ${a.reason}`).sort()).toEqual([
      `s3 remount point ${dirOf(KEY_A)}: left by an interrupted remount`,
      `s3 remount point ${dirOf(KEY_B)}: left by an interrupted remount`,
    ]);
    expect(mountsUnder(stateDir)).toEqual([dirOf(KEY_A)]);

    await s3Backend.sweep(ctx, false);
    expect(mountsUnder(stateDir)).toEqual([]);
    expect(fs.existsSync(dirOf(KEY_A))).toBe(false);
    expect(fs.existsSync(dirOf(KEY_B))).toBe(false);
  });

  it('one whose key is locked (a remount in progress) is left alone', async () => {
    fs.mkdirSync(dirOf(KEY_A), { recursive: true });
    const ctx = context(new FakeDocker(), stateDir);
    const actions = await withLocks(mountLockNames([KEY_A]), () => s3Backend.sweep(ctx, false), { timeoutMs: 5_000 });
    expect(actions).toEqual([]);
    expect(fs.existsSync(dirOf(KEY_A))).toBe(true);
    expect(ctx.lines.join('\n')).toMatch(/in use by a running sbx, skipped/);
  });
});
