import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SBX } from '../helpers/cli.js';
import { RUN, STATE_DIR, TEST_IMAGE, docker, sbxE2E, writeManifest } from '../helpers/e2e.js';
import { DOCKER_WRAPPER, wrappedDocker } from '../helpers/docker-wrapper.js';
import { AUTH_REGISTRY, STOPPED_REGISTRY, imageOnEngine, pushedImage } from '../helpers/registry.js';
import { containersOf, expectExit, expectNothingLeft, sandboxDoc, shContainer, trackedSandboxes } from '../helpers/sandbox-e2e.js';

const lines = (text: string) => text.split('\n').filter(Boolean);

describe.concurrent('images from a registry', () => {
  const id = trackedSandboxes();

  it('a missing image is pulled before anything is created, one progress line per image, and containers are created with --pull never', async () => {
    const image = await pushedImage('first');
    const sb = id('img-first');
    const wrap = wrappedDocker();
    const res = expectExit(await sbxE2E(['apply', '-f', writeManifest(sandboxDoc('img-first', [shContainer('main', '', { image })]))], { env: wrap.env }), 0);
    const err = lines(res.stderr);
    expect(err.slice(0, 3).map((l) => l.replace(/sha256:[0-9a-f]{64}/, 'DIGEST').replace(/ \d+\.\ds$/, ''))).toEqual([
      `… pull image ${image} (missing on the engine)`,
      `  pulled ${image}: 1 layer downloaded, 1 already present, DIGEST`,
      `✓ pull image ${image}`,
    ]);
    expect(err[3]).toBe('… create infra container (missing)');
    const mutating = wrap.calls().filter((c) => c.mutating).map((c) => c.argv.split(' ').slice(0, 2).join(' '));
    expect(mutating[0]).toBe(`pull ${image}`);
    expect(wrap.calls().find((c) => c.argv.includes(`--name sbx-${sb}..main`))?.argv).toContain(' --pull never ');
    expect(await imageOnEngine(image)).toBe(true);
    expect((await containersOf(sb)).main.state).toBe('running');
  });

  it('--progress json: pull events per image with layer counts, before the first container step', async () => {
    const image = await pushedImage('json');
    id('img-json');
    const res = expectExit(await sbxE2E(['apply', '--progress', 'json', '-f', writeManifest(sandboxDoc('img-json', [shContainer('main', '', { image })]))]), 0);
    const events = lines(res.stderr).map((l) => JSON.parse(l) as Record<string, unknown>);
    const pulls = events.filter((e) => e.type === 'pull');
    expect(pulls.at(-1)).toEqual({ type: 'pull', image, status: 'done', layers: 2, layers_done: 2, layers_present: 1, digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect(pulls.every((e) => e.image === image)).toBe(true);
    const firstPull = events.findIndex((e) => e.type === 'pull');
    const infra = events.findIndex((e) => e.type === 'step' && e.resource === 'infra container');
    expect(events[0]).toEqual({ type: 'step', action: 'pull', resource: `image ${image}`, cause: 'missing on the engine', status: 'start' });
    expect(firstPull).toBeLessThan(infra);
  });

  it('image_pull_policy never with a missing image: IMAGE_NOT_FOUND, nothing created, nothing pulled', async () => {
    const image = await pushedImage('never');
    const sb = id('img-never');
    const res = expectExit(await sbxE2E(['apply', '-f', writeManifest(sandboxDoc('img-never', [shContainer('main', '', { image, image_pull_policy: 'never' })]))]), 1);
    expect(res.stderr).toContain(`error[IMAGE_NOT_FOUND]: image ${image} is not on the engine and its image_pull_policy is never`);
    await expectNothingLeft(sb);
    expect(await imageOnEngine(image)).toBe(false);
  });

  it('a present image is not pulled under if_not_present, and is pulled again under always', async () => {
    const image = await pushedImage('always');
    await docker(['pull', image]);
    id('img-present');
    const present = expectExit(await sbxE2E(['apply', '-f', writeManifest(sandboxDoc('img-present', [shContainer('main', '', { image })]))]), 0);
    expect(present.stderr).not.toContain('pull');
    id('img-always');
    const wrap = wrappedDocker();
    const always = expectExit(await sbxE2E(['apply', '-f', writeManifest(sandboxDoc('img-always', [shContainer('main', '', { image, image_pull_policy: 'always' })]))], { env: wrap.env }), 0);
    expect(lines(always.stderr)[0]).toBe(`… pull image ${image} (image_pull_policy: always)`);
    expect(wrap.calls().filter((c) => c.argv === `pull ${image}`)).toHaveLength(1);
  });

  it('an unknown tag: IMAGE_NOT_FOUND with the registry\'s reason, nothing created', async () => {
    const image = (await pushedImage('tag')).replace(/:1$/, ':no-such-tag');
    const sb = id('img-tag');
    const res = expectExit(await sbxE2E(['apply', '-f', writeManifest(sandboxDoc('img-tag', [shContainer('main', '', { image })]))]), 1);
    expect(res.stderr).toContain(`error[IMAGE_NOT_FOUND]: pull image ${image}: manifest for ${image} not found: manifest unknown`);
    await expectNothingLeft(sb);
  });

  it('a registry that does not answer: IMAGE_PULL_FAILED (not DOCKER_UNAVAILABLE), nothing created', async () => {
    const image = `${STOPPED_REGISTRY}/sbx-e2e/nothere:1`;
    const sb = id('img-down');
    const res = expectExit(await sbxE2E(['apply', '-f', writeManifest(sandboxDoc('img-down', [shContainer('main', '', { image })]))]), 1);
    expect(res.stderr).toContain(`error[IMAGE_PULL_FAILED]: pull image ${image}: Get "http://${STOPPED_REGISTRY}/v2/": dial tcp ${STOPPED_REGISTRY}: connect: connection refused`);
    await expectNothingLeft(sb);
  });

  it('a registry that requires a login: IMAGE_PULL_DENIED with a hint to docker login, nothing created', async () => {
    const image = `${AUTH_REGISTRY}/sbx-test/busybox:1`;
    const sb = id('img-auth');
    const res = expectExit(await sbxE2E(['apply', '-o', 'json', '-f', writeManifest(sandboxDoc('img-auth', [shContainer('main', '', { image })]))]), 1);
    expect(JSON.parse(res.stdout)).toEqual({
      error: {
        code: 'IMAGE_PULL_DENIED',
        message: `pull image ${image}: Head "http://${AUTH_REGISTRY}/v2/sbx-test/busybox/manifests/1": no basic auth credentials`,
        hint: "run `docker login REGISTRY` (sbx pulls with docker's credentials), or check the repository name",
      },
    });
    await expectNothingLeft(sb);
  });

  it('two distinct images are pulled side by side', async () => {
    const [a, b] = await Promise.all([pushedImage('par-a'), pushedImage('par-b')]);
    id('img-par');
    const wrap = wrappedDocker({ times: true });
    const doc = sandboxDoc('img-par', [shContainer('a', '', { image: a }), shContainer('b', '', { image: b })]);
    expectExit(await sbxE2E(['apply', '-f', writeManifest(doc)], { env: wrap.env }), 0);
    const pulls = wrap.timings().filter((t) => t.argv.startsWith('pull '));
    expect(pulls.map((p) => p.argv).sort()).toEqual([`pull ${a}`, `pull ${b}`]);
    const [p, q] = pulls;
    expect(p.startMs < q.endMs && q.startMs < p.endMs, JSON.stringify(pulls)).toBe(true);
  });

  it('one image inspect asks for the pause image and every image: the present one is used, only the missing one is pulled', async () => {
    const missing = await pushedImage('mixed');
    const sb = id('img-mixed');
    const wrap = wrappedDocker();
    const doc = sandboxDoc('img-mixed', [shContainer('here', ''), shContainer('pulled', '', { image: missing })]);
    expectExit(await sbxE2E(['apply', '-f', writeManifest(doc)], { env: wrap.env }), 0);
    const inspects = wrap.calls().filter((c) => c.argv.startsWith('image inspect '));
    expect(inspects.length, JSON.stringify(inspects)).toBe(1);
    for (const ref of [TEST_IMAGE, missing]) expect(inspects[0].argv).toContain(` ${ref}`);
    expect(wrap.calls().filter((c) => c.argv.startsWith('pull ')).map((c) => c.argv)).toEqual([`pull ${missing}`]);
    const cs = await containersOf(sb);
    expect([cs.here.state, cs.pulled.state]).toEqual(['running', 'running']);
  });

  it('on a terminal (tmux): a live status line while pulling, then finished steps and one line per pulled image', async () => {
    const image = await pushedImage('tty');
    const sb = id('img-tty');
    const file = writeManifest(sandboxDoc('img-tty', [shContainer('main', '', { image })]));
    const session = `sbx-e2e-${RUN}-tty`;
    const env = `SBX_STATE_DIR=${STATE_DIR} SBX_TEST_RUN=${RUN} NO_COLOR=1 SBX_DOCKER=${DOCKER_WRAPPER} SBX_WRAP_SLOW_PULL=0.3`;
    execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '220', '-y', '40', `env ${env} ${process.execPath} ${SBX} apply -f ${file}; echo "EXIT=$?"; sleep 60`]);
    try {
      let pane = '';
      const live: string[] = [];
      for (let i = 0; i < 200 && !pane.includes('EXIT='); i++) {
        await new Promise((r) => setTimeout(r, 100));
        pane = execFileSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' });
        live.push(...pane.split('\n').filter((l) => l.startsWith('pulling ')).map((l) => l.trimEnd()));
      }
      expect(live).toContain(`pulling ${image} 1/2 layers`);
      const shown = pane.split('\n').map((l) => l.trimEnd()).filter(Boolean);
      expect(shown.slice(0, 2).map((l) => l.replace(/sha256:[0-9a-f]{64}/, 'DIGEST').replace(/ \d+\.\ds$/, ''))).toEqual([
        `  pulled ${image}: 1 layer downloaded, 1 already present, DIGEST`,
        `✓ pull image ${image}`,
      ]);
      expect(shown).toContain('EXIT=0');
      expect(shown).toContain(`sandbox ${sb} applied (2 created)`);
      expect(pane).not.toContain('pulling ');
      expect(pane).not.toContain('…');
    } finally {
      execFileSync('tmux', ['kill-session', '-t', session]);
    }
  });
});
