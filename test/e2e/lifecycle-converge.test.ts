import { describe, expect, it } from 'vitest';
import { wrappedDocker } from '../helpers/docker-wrapper.js';
import { objectsWithLabel, sandboxLabel, sbxE2E, tempFile, writeManifest } from '../helpers/e2e.js';
import { applyDoc, applyOk, containersOf, expectExit, sandboxDoc, shContainer, trackedSandboxes } from '../helpers/sandbox-e2e.js';

const twoContainers = (name: string, secondScript = 'echo v1', egress = true) =>
  sandboxDoc(
    name,
    [shContainer('one', '', { volume_mounts: [{ name: 'shared', mount_path: '/shared' }] }), shContainer('two', secondScript)],
    { egress, volumes: [{ name: 'shared', ephemeral_storage: '16Mi' }] },
  );

describe.concurrent('converging an existing sandbox', () => {
  const track = trackedSandboxes();

  it.each([false, true])('a second apply of the same manifest (egress %s) reports unchanged and makes no mutating docker call', async (egress) => {
    const id = track(`idem-${egress}`);
    const file = await applyDoc(twoContainers(`idem-${egress}`, 'echo v1', egress));
    const before = await containersOf(id);
    const recorder = wrappedDocker();
    const again = await applyOk(file, recorder.env);
    expect(again.stdout.trim()).toBe(`sandbox ${id} unchanged`);
    const calls = recorder.calls();
    expect(calls.filter((c) => c.mutating).map((c) => c.argv)).toEqual([]);
    // The running containers hold the volume and the network, so one listing of containers decides it;
    // with a network policy, the infra container is inspected too (its namespace must still hold the rules).
    expect(calls.map((c) => c.argv.split(' ')[0])).toEqual(egress ? ['ps', 'inspect'] : ['ps']);
    expect(await containersOf(id)).toEqual(before);
  });

  it('changing the args of one container recreates exactly that container', async () => {
    const id = track('change-args');
    await applyDoc(twoContainers('change-args', 'echo v1'));
    const before = await containersOf(id);
    const recorder = wrappedDocker();
    const res = await applyOk(writeManifest(twoContainers('change-args', 'echo v2')), recorder.env);
    expect(res.stdout).toMatch(new RegExp(`^sandbox ${id} applied \\(1 replaced, \\d+ unchanged\\)$`, 'm'));
    const after = await containersOf(id);
    expect(Object.keys(after).sort()).toEqual(['infra', 'one', 'two']);
    expect(after.infra).toEqual(before.infra);
    expect(after.one).toEqual(before.one);
    expect(after.two.id).not.toBe(before.two.id);
    expect(after.two.state).toBe('running');
    const creates = recorder.calls().filter((c) => /^(run|create|container create|volume create|network create)\b/.test(c.argv));
    expect(creates).toHaveLength(1);
    expect(creates[0].argv).toContain(after.two.dockerName);
    const logs = expectExit(await sbxE2E(['logs', id, 'two']), 0);
    expect(logs.stdout.trim()).toBe('v2');
  });

  it('two concurrent applies of the same manifest end in one consistent sandbox', async () => {
    const id = track('concurrent');
    const file = writeManifest(twoContainers('concurrent'));
    const [a, b] = await Promise.all([sbxE2E(['apply', '-f', file]), sbxE2E(['apply', '-f', file])]);
    expectExit(a, 0);
    expectExit(b, 0);
    expect([a.stdout, b.stdout].filter((o) => o.includes('unchanged'))).toHaveLength(1);
    const live = await containersOf(id);
    expect(Object.keys(live).sort()).toEqual(['infra', 'one', 'two']);
    expect(Object.values(live).map((c) => c.state)).toEqual(['running', 'running', 'running']);
    const objects = await objectsWithLabel(sandboxLabel(id));
    expect(objects.volumes).toHaveLength(1);
    expect(objects.networks).toHaveLength(1);
  });

  it('the manifest exported by `sbx get -o yaml` re-applies as a no-op', async () => {
    const id = track('export');
    await applyDoc(twoContainers('export'));
    const exported = expectExit(await sbxE2E(['get', id, '-o', 'yaml']), 0).stdout;
    expect(exported).toContain(`id: ${id}`);
    const file = tempFile(exported);
    const recorder = wrappedDocker();
    const again = await applyOk(file, recorder.env);
    expect(again.stdout.trim()).toBe(`sandbox ${id} unchanged`);
    expect(recorder.calls().filter((c) => c.mutating)).toEqual([]);
  });
});
