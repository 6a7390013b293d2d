import { describe, expect, it } from 'vitest';
import { sbxE2E } from '../helpers/e2e.js';
import { applyDoc, expectExit, sandboxDoc, shContainer, trackedSandboxes } from '../helpers/sandbox-e2e.js';

const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/);

describe.concurrent('exit reasons, wait', () => {
  const id = trackedSandboxes();

  it('a container that exits 3: wait returns 3; ls shows exited(3); get and -o json carry code, OOM, restarts, times; logs still work', async () => {
    const sb = id('exit-three');
    await applyDoc(sandboxDoc('exit-three', [{ name: 'main', args: ['sh', '-c', 'echo bye; sleep 1; exit 3'] }]));
    expect(expectExit(await sbxE2E(['wait', sb]), 3).stderr).toBe('container main exited with 3');
    const ls = JSON.parse(expectExit(await sbxE2E(['ls', '-o', 'json']), 0).stdout) as { sandboxes: { id: string }[] };
    expect(ls.sandboxes.find((s) => s.id === sb)).toMatchObject({
      status: 'exited(3)',
      containers: [{ name: 'main', state: 'exited', status: expect.stringMatching(/^Exited \(3\) /), exitCode: 3, oomKilled: false }],
    });
    const get = JSON.parse(expectExit(await sbxE2E(['get', sb, '-o', 'json']), 0).stdout);
    expect(get.containers).toEqual([
      { name: 'main', state: 'exited', status: expect.stringMatching(/^Exited \(3\) /), exitCode: 3, oomKilled: false, restartCount: 0, startedAt: ISO, finishedAt: ISO },
    ]);
    expect(new Date(get.containers[0].finishedAt).getTime()).toBeGreaterThan(new Date(get.containers[0].startedAt).getTime());
    const table = expectExit(await sbxE2E(['get', sb]), 0).stdout;
    expect(table).toContain('Status:    exited(3)');
    expect(table).toMatch(/NAME +STATE +EXIT +OOM-KILLED +RESTARTS +STARTED +FINISHED\n +main +exited +3 +no +0 +\d{4}-/);
    expect(expectExit(await sbxE2E(['logs', sb]), 0).stdout).toBe('bye');
  });

  it('a container killed for exceeding its memory limit shows as oom-killed', async () => {
    const sb = id('exit-oom');
    await applyDoc(sandboxDoc('exit-oom', [{ name: 'hog', args: ['sh', '-c', 'tail /dev/zero'], resource: { cpu: '100m', memory: '16Mi' } }]));
    expect(expectExit(await sbxE2E(['wait', sb, '-c', 'hog', '--timeout', '60s']), 137).stderr).toBe('container hog exited with 137 (OOM-killed)');
    const ls = JSON.parse(expectExit(await sbxE2E(['ls', '-o', 'json']), 0).stdout) as { sandboxes: { id: string }[] };
    expect(ls.sandboxes.find((s) => s.id === sb)).toMatchObject({ status: 'oom-killed', containers: [{ name: 'hog', exitCode: 137, oomKilled: true }] });
    expect(expectExit(await sbxE2E(['ls']), 0).stdout).toMatch(new RegExp(`${sb} +oom-killed `));
    const get = JSON.parse(expectExit(await sbxE2E(['get', sb, '-o', 'json']), 0).stdout);
    expect(get.containers[0]).toMatchObject({ name: 'hog', state: 'exited', exitCode: 137, oomKilled: true });
  });

  it('the CI pattern: wait -c main returns its code while a sidecar still runs; --timeout on a running one is WAIT_TIMEOUT, exit 1', async () => {
    const sb = id('exit-job');
    await applyDoc(sandboxDoc('exit-job', [{ name: 'main', args: ['sh', '-c', 'sleep 2; exit 5'] }, shContainer('side')]));
    const timedOut = expectExit(await sbxE2E(['wait', sb, '-c', 'side', '--timeout', '1s']), 1);
    expect(timedOut.stderr).toContain(`error[WAIT_TIMEOUT]: sandbox ${sb}: container side still running after 1s`);
    const waited = expectExit(await sbxE2E(['wait', sb, '-c', 'main', '-o', 'json']), 5);
    expect(JSON.parse(waited.stdout)).toEqual({ id: sb, containers: [{ name: 'main', exitCode: 5, oomKilled: false }] });
    expect(JSON.parse(expectExit(await sbxE2E(['ls', '-o', 'json']), 0).stdout).sandboxes.find((s: { id: string }) => s.id === sb).status).toBe('partial(1/2)');
  });
});
