import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { wrappedDocker } from '../helpers/docker-wrapper.js';
import { STATE_DIR, docker, sbxE2E, writeManifest } from '../helpers/e2e.js';
import { applyDoc, applyOk, containersOf, expectExit, sandboxDoc, shContainer, trackedSandboxes } from '../helpers/sandbox-e2e.js';

const FAST_NOOP = path.join(ROOT, 'dist/bundle/fast-noop.cjs');
const run = promisify(execFile);

/**
 * The fast path alone, as bin/sbx runs it first: answered means it printed the result itself and
 * the full CLI would not have run.
 */
async function fastAnswer(args: string[], env: Record<string, string> = {}): Promise<{ answered: boolean; stdout: string }> {
  const script = `require(${JSON.stringify(FAST_NOOP)}).fastNoop(process.argv.slice(1)).then((done) => process.exit(done ? 0 : 3))`;
  try {
    const { stdout } = await run(process.execPath, ['-e', script, ...args], { env: { ...process.env, SBX_STATE_DIR: STATE_DIR, ...env } });
    return { answered: true, stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string };
    if (e.code !== 3) throw err;
    return { answered: false, stdout: e.stdout ?? '' };
  }
}

const pair = (name: string, script = 'echo v1', spec: Record<string, unknown> = {}) =>
  sandboxDoc(name, [shContainer('one', '', { volume_mounts: [{ name: 'shared', mount_path: '/shared' }] }), shContainer('two', script)], {
    volumes: [{ name: 'shared', ephemeral_storage: '16Mi' }],
    ...spec,
  });

describe.concurrent('a re-apply answered from the applied record', () => {
  const track = trackedSandboxes();

  it('an unchanged manifest is answered with one docker ps, after a create and after a change alike', async () => {
    const id = track('record');
    const file = await applyDoc(pair('record'));
    const recorder = wrappedDocker();
    const first = await fastAnswer(['apply', '-f', file], recorder.env);
    expect(first).toEqual({ answered: true, stdout: `sandbox ${id} unchanged\n` });
    expect(recorder.calls().map((c) => c.argv.split(' ').slice(0, 2).join(' '))).toEqual(['ps -a']);
    // The CLI gives the same answer (bin/sbx takes the same path first).
    expect((await applyOk(file)).stdout).toBe(`sandbox ${id} unchanged`);

    // A change recreates one container; the record follows it.
    const changed = writeManifest(pair('record', 'echo v2'));
    expect((await applyOk(changed)).stdout).toMatch(/applied \(1 replaced/);
    expect((await fastAnswer(['apply', '-f', changed])).answered).toBe(true);
    expect((await fastAnswer(['apply', '-f', file])).answered).toBe(false);
  });

  it('anything the record does not vouch for goes to the full apply, which converges', async () => {
    const id = track('record-drift');
    const file = await applyDoc(pair('record-drift'));
    expect((await fastAnswer(['apply', '-f', file])).answered).toBe(true);

    // Other output or options: the full CLI.
    for (const extra of [['-o', 'json'], ['--dry-run'], ['--wait'], ['-v']]) {
      expect((await fastAnswer(['apply', '-f', file, ...extra])).answered, extra.join(' ')).toBe(false);
    }
    // Another pause image changes the plan's inputs.
    expect((await fastAnswer(['apply', '-f', file], { SBX_PAUSE_IMAGE: 'sbx-pause:other' })).answered).toBe(false);

    // A stopped container: not answered; the full apply starts it.
    await docker(['stop', '--time', '0', (await containersOf(id)).two.dockerName]);
    expect((await fastAnswer(['apply', '-f', file])).answered).toBe(false);
    expect((await applyOk(file)).stdout).toMatch(/applied/);
    expect((await containersOf(id)).two.state).toBe('running');

    // A container removed behind sbx's back: recreated.
    await docker(['rm', '--force', (await containersOf(id)).one.dockerName]);
    expect((await fastAnswer(['apply', '-f', file])).answered).toBe(false);
    expect((await applyOk(file)).stdout).toMatch(/applied \(1 created/);
    expect((await fastAnswer(['apply', '-f', file])).answered).toBe(true);

    // The same sandbox from an edited file (a comment only): the full apply answers, then records it.
    writeFileSync(file, `${readFileSync(file, 'utf8')}# edited\n`);
    expect((await fastAnswer(['apply', '-f', file])).answered).toBe(false);
    expect((await applyOk(file)).stdout).toBe(`sandbox ${id} unchanged`);
    expect((await fastAnswer(['apply', '-f', file])).answered).toBe(true);
  });

  it('a sandbox whose apply warns is never answered from a record: the warning is printed every time', async () => {
    const id = track('record-warn');
    const file = await applyDoc(pair('record-warn', 'echo v1', { ports: [{ container_port: 8080 }] }));
    expect((await fastAnswer(['apply', '-f', file])).answered).toBe(false);
    const again = expectExit(await sbxE2E(['apply', '-f', file]), 0);
    expect(again.stdout).toBe(`sandbox ${id} unchanged`);
    expect(again.stderr).toMatch(/ports are not published because egress is false/);
  });

  it('sbx delete forgets the record', async () => {
    const id = track('record-delete');
    const file = await applyDoc(pair('record-delete'));
    const pointer = path.join(STATE_DIR, 'applied', `sandbox-${id}`);
    const record = path.join(STATE_DIR, 'applied', `${readFileSync(pointer, 'utf8')}.json`);
    expect(existsSync(record)).toBe(true);
    expectExit(await sbxE2E(['delete', id]), 0);
    expect([existsSync(pointer), existsSync(record)]).toEqual([false, false]);
    expect((await fastAnswer(['apply', '-f', file])).answered).toBe(false);
  });
});
