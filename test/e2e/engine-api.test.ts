import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Docker } from '../../src/docker/engine.js';
import { engineInfo } from '../../src/docker/engine-info.js';
import { imagesPresent } from '../../src/docker/images.js';
import { observe, observeContainers, observeContainersSelecting } from '../../src/plan/observe.js';
import { STATE_DIR, TEST_IMAGE, sbxE2E, writeManifest } from '../helpers/e2e.js';
import { DOCKER_WRAPPER, wrappedDocker } from '../helpers/docker-wrapper.js';
import { expectExit, sandboxDoc, shContainer, trackedSandboxes } from '../helpers/sandbox-e2e.js';

/** A wrapped docker found on PATH as `docker` (not named by SBX_DOCKER): the one sbx reads the engine's API beside. */
function dockerOnPath(): { env: Record<string, string>; calls: () => { mutating: boolean; argv: string }[] } {
  const wrap = wrappedDocker();
  const parent = path.join(STATE_DIR, 'test-files');
  mkdirSync(parent, { recursive: true });
  const bin = mkdtempSync(path.join(parent, 'path-docker-'));
  symlinkSync(DOCKER_WRAPPER, path.join(bin, 'docker'));
  const { SBX_DOCKER: _named, ...env } = wrap.env;
  return { env: { ...env, SBX_WRAP_REAL_DOCKER: '/usr/bin/docker', PATH: `${bin}:${process.env.PATH}` }, calls: wrap.calls };
}

describe.concurrent("the engine's API answers what the docker CLI would", () => {
  const id = trackedSandboxes();

  it('containers, networks, volumes, a label selection, engine facts and image presence: the same through the API and the CLI', async () => {
    const sb = id('api-same');
    const doc = { ...sandboxDoc('api-same', [shContainer('a', '', { volume_mounts: [{ name: 'scratch', mount_path: '/scratch' }] }), shContainer('b')], { egress: true, volumes: [{ name: 'scratch', ephemeral_storage: '16Mi' }] }), metadata: { labels: { 'sbx-test/api': sb } } };
    expectExit(await sbxE2E(['apply', '-f', writeManifest(doc)]), 0);
    const api = new Docker();
    const cli = new Docker({ engineApi: false });
    expect(api.api).toBeDefined();
    expect(cli.api).toBeUndefined();
    const [viaApi, viaCli] = await Promise.all([observe(api, sb), observe(cli, sb)]);
    expect(viaApi.containers.map((c) => c.name).sort()).toEqual([`sbx-${sb}`, `sbx-${sb}..a`, `sbx-${sb}..b`]);
    expect(viaApi.networks).toHaveLength(1);
    expect(viaApi.volumes).toHaveLength(1);
    // Status ("Up 2 seconds") may tick between the two answers.
    const steady = (o: typeof viaApi) => ({ ...o, containers: o.containers.map(({ status: _s, ...c }) => c).sort((x, y) => x.name.localeCompare(y.name)) });
    expect(steady(viaApi)).toEqual(steady(viaCli));
    const [picked, pickedCli] = await Promise.all([observeContainersSelecting(api, [['sbx-test/api', sb]]), observeContainersSelecting(cli, [['sbx-test/api', sb]])]);
    expect(picked.selected.map((c) => c.name).sort()).toEqual(pickedCli.selected.map((c) => c.name).sort());
    expect(picked.selected).toHaveLength(3);
    expect(await engineInfo(api, true)).toEqual(await engineInfo(cli, true));
    const refs = [TEST_IMAGE, `${TEST_IMAGE}-not-here`, 'sbx-test/none:1'];
    expect([...(await imagesPresent(api, refs))]).toEqual([TEST_IMAGE]);
    expect([...(await imagesPresent(cli, refs))]).toEqual([TEST_IMAGE]);
  });

  it('an apply and a delete ask their questions of the API: the docker CLI runs only what changes Docker; under -v every question is a printed docker call', async () => {
    const sb = id('api-calls');
    const file = writeManifest(sandboxDoc('api-calls', [shContainer('main')]));
    const plain = dockerOnPath();
    expectExit(await sbxE2E(['apply', '-f', file], { env: plain.env }), 0);
    expectExit(await sbxE2E(['delete', sb], { env: plain.env }), 0);
    const verbs = (calls: { argv: string }[]) => calls.map((c) => c.argv.split(' ')[0]);
    expect(plain.calls().filter((c) => !c.mutating)).toEqual([]);
    expect(verbs(plain.calls())).toEqual(['run', 'run', 'rm']);

    const verbose = dockerOnPath();
    const res = expectExit(await sbxE2E(['apply', '-v', '-f', file], { env: verbose.env }), 0);
    expectExit(await sbxE2E(['delete', sb], { env: verbose.env }), 0);
    const reads = verbose.calls().filter((c) => !c.mutating).map((c) => c.argv.split(' ').slice(0, 2).join(' '));
    expect(reads).toEqual(expect.arrayContaining(['ps -a', 'info --format', 'image inspect']));
    for (const r of reads.slice(0, 3)) expect(res.stderr).toContain(`docker ${r}`);
  });

  it('an engine the API cannot reach: the CLI is asked, and its error is the one a user gets', async () => {
    const res = expectExit(await sbxE2E(['ls'], { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } }), 1);
    expect(res.stderr).toMatch(/^error\[DOCKER_UNAVAILABLE\]/m);
    expect(res.stderr).toMatch(/unix:\/\/\/nonexistent\/docker\.sock/);
  });
});
