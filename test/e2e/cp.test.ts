import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { SBX } from '../helpers/cli.js';
import { RUN, STATE_DIR, sbxE2E } from '../helpers/e2e.js';
import { applyDoc, expectExit, sandboxDoc, sh, shContainer, trackedSandboxes } from '../helpers/sandbox-e2e.js';

const execFileAsync = promisify(execFile);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A shell pipeline around sbx, so that stdin/stdout carry raw bytes (a tar stream). */
async function pipeline(script: string): Promise<{ exitCode: number; stderr: string }> {
  try {
    const { stderr } = await execFileAsync('bash', ['-o', 'pipefail', '-c', script], {
      env: { ...process.env, SBX: `${process.execPath} ${SBX}`, SBX_STATE_DIR: STATE_DIR, SBX_TEST_RUN: RUN, NO_COLOR: '1' },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { exitCode: 0, stderr };
  } catch (e) {
    const err = e as { code?: number; stderr?: string };
    return { exitCode: err.code ?? 1, stderr: err.stderr ?? '' };
  }
}

describe('sbx cp', () => {
  const id = trackedSandboxes();
  const sb = id('cp');
  const dir = () => mkdtempSync(path.join(STATE_DIR, 'test-files', 'cp-'));

  beforeAll(async () => {
    mkdirSync(path.join(STATE_DIR, 'test-files'), { recursive: true });
    await applyDoc(
      sandboxDoc('cp', [
        shContainer('main', '', { volume_mounts: [{ name: 'scratch', mount_path: '/data' }, { name: 'small', mount_path: '/small' }] }),
        shContainer('reader', '', { volume_mounts: [{ name: 'scratch', mount_path: '/data', read_only: true }], read_only: true }),
      ], { volumes: [{ name: 'scratch', ephemeral_storage: '32Mi' }, { name: 'small', ephemeral_storage: '1Mi' }] }),
    );
  });

  it('a 5 MiB random binary file goes in and comes out byte-identical (first container by default)', async () => {
    const d = dir();
    const blob = randomBytes(5 * 1024 * 1024);
    writeFileSync(path.join(d, 'blob'), blob);
    expectExit(await sbxE2E(['cp', path.join(d, 'blob'), `${sb}:/data/blob`]), 0);
    expect((await sh(sb, 'main', 'sha256sum /data/blob')).stdout).toBe(`${sha256(blob)}  /data/blob`);
    expectExit(await sbxE2E(['cp', `${sb}:main:/data/blob`, path.join(d, 'back')]), 0);
    expect(sha256(readFileSync(path.join(d, 'back')))).toBe(sha256(blob));
  });

  it('directories, both ways', async () => {
    const d = dir();
    mkdirSync(path.join(d, 'tree/sub'), { recursive: true });
    writeFileSync(path.join(d, 'tree/a.txt'), 'alpha\n');
    writeFileSync(path.join(d, 'tree/sub/b.bin'), Buffer.from([0, 1, 2, 255, 10, 13]));
    expectExit(await sbxE2E(['cp', path.join(d, 'tree'), `${sb}:main:/data/tree`]), 0);
    expect((await sh(sb, 'main', 'cd /data/tree && find . -type f | sort && cat a.txt')).stdout).toBe('./a.txt\n./sub/b.bin\nalpha');
    expectExit(await sbxE2E(['cp', `${sb}:/data/tree`, path.join(d, 'out')]), 0);
    expect(readFileSync(path.join(d, 'out/sub/b.bin'))).toEqual(Buffer.from([0, 1, 2, 255, 10, 13]));
    expect(readFileSync(path.join(d, 'out/a.txt'), 'utf8')).toBe('alpha\n');
  });

  it('- reads a tar stream from stdin and writes one to stdout', async () => {
    const d = dir();
    mkdirSync(path.join(d, 'src'));
    writeFileSync(path.join(d, 'src/x.bin'), randomBytes(100_000));
    const into = await pipeline(`tar -C ${d}/src -c . | $SBX cp - ${sb}:/data`);
    expect(into, into.stderr).toMatchObject({ exitCode: 0 });
    expect((await sh(sb, 'main', 'sha256sum /data/x.bin')).stdout).toBe(`${sha256(readFileSync(path.join(d, 'src/x.bin')))}  /data/x.bin`);
    const out = await pipeline(`$SBX cp ${sb}:/data/x.bin - > ${d}/out.tar && mkdir ${d}/un && tar -C ${d}/un -xf ${d}/out.tar`);
    expect(out, out.stderr).toMatchObject({ exitCode: 0 });
    expect(sha256(readFileSync(path.join(d, 'un/x.bin')))).toBe(sha256(readFileSync(path.join(d, 'src/x.bin'))));
  });

  it('refuses to write through a read-only mount, and into a read-only root filesystem', async () => {
    const d = dir();
    writeFileSync(path.join(d, 'f'), 'x');
    const ro = expectExit(await sbxE2E(['cp', path.join(d, 'f'), `${sb}:reader:/data/f`]), 1);
    expect(ro.stderr).toContain(`error[READ_ONLY_PATH]: cannot copy into ${sb}:reader:/data/f: /data is a read-only mount (volume sbx-${sb}..scratch.`);
    const rootfs = expectExit(await sbxE2E(['cp', path.join(d, 'f'), `${sb}:reader:/etc/f`]), 1);
    expect(rootfs.stderr).toContain(`error[READ_ONLY_PATH]: cannot copy into ${sb}:reader:/etc/f: the container's root filesystem is read-only (read_only: true) and no writable mount holds /etc/f`);
  });

  it('a copy larger than a tmpfs volume fails with NO_SPACE_LEFT', async () => {
    const d = dir();
    writeFileSync(path.join(d, 'big'), randomBytes(3 * 1024 * 1024));
    const res = expectExit(await sbxE2E(['cp', path.join(d, 'big'), `${sb}:main:/small/big`]), 1);
    expect(res.stderr).toContain(`error[NO_SPACE_LEFT]: copy ${path.join(d, 'big')} to ${sb}:main:/small/big: no space left on device (ENOSPC)`);
  });

  it("refuses the container's own tmpfs (/tmp), which docker cp would write beneath", async () => {
    const d = dir();
    writeFileSync(path.join(d, 'f'), 'x');
    const res = expectExit(await sbxE2E(['cp', path.join(d, 'f'), `${sb}:/tmp/f`]), 2);
    expect(res.stderr).toContain(`error[USAGE]: cannot copy into ${sb}:main:/tmp/f: /tmp is a tmpfs of the container itself, which docker cp does not reach`);
  });

  it('two container sides, or none, are a usage error', async () => {
    expect(expectExit(await sbxE2E(['cp', `${sb}:/data/a`, `${sb}:reader:/data/b`]), 2).stderr).toContain('error[USAGE]: sbx cp copies between a sandbox and the host, not between two containers');
  });
});
