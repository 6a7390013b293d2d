import { describe, expect, it } from 'vitest';
import { Docker } from '../../src/docker/engine.js';
import { imagesPresent } from '../../src/docker/images.js';
import { pauseImageFound, pauseImageRef, pauseImageTar } from '../../src/docker/pause-image.js';
import { pauseImportArgs } from '../../src/plan/argv.js';
import { RUN, RUN_LABEL, STATE_DIR, TEST_IMAGE, docker, dockerJson, objectsWithLabel, sbxE2E, sid, writeManifest } from '../helpers/e2e.js';
import { expectNothingLeft, sandboxDoc, shContainer } from '../helpers/sandbox-e2e.js';

/** The pause image as an apply makes it: its build step runs only when the image is missing. */
async function ensurePauseImage(d: Docker): Promise<string> {
  const ref = pauseImageRef();
  if (!pauseImageFound(ref, await imagesPresent(d, [ref]))) await d.run(pauseImportArgs(ref), { input: pauseImageTar() });
  return ref;
}

describe.concurrent('e2e harness', () => {
  it('workers see the run id and state dir the global setup chose', () => {
    expect(RUN).toMatch(/^[a-z0-9]+$/);
    expect(process.env.SBX_TEST_RUN).toBe(RUN);
    expect(process.env.SBX_STATE_DIR).toBe(STATE_DIR);
  });

  it('the engine runs the offline test image', async () => {
    expect(await docker(['run', '--rm', '--label', `${RUN_LABEL}=${RUN}`, TEST_IMAGE, 'sh', '-c', 'echo ok; id -u'])).toBe('ok\n0');
  });

  it('the pause image sbx builds runs as an infra container, stays up, and stops on request', async () => {
    const image = await ensurePauseImage(new Docker());
    const [img] = await dockerJson([`image`, 'inspect', image]);
    expect(img.Config.Entrypoint).toEqual(['/pause']);

    const name = `sbx-smoke-pause-${RUN}`;
    await docker(['run', '-d', '--name', name, '--network', 'none', '--label', `${RUN_LABEL}=${RUN}`, image]);
    await new Promise((r) => setTimeout(r, 1500));
    const [running] = await dockerJson(['inspect', name]);
    expect(running.State).toMatchObject({ Status: 'running', ExitCode: 0 });

    const started = Date.now();
    await docker(['stop', '--time', '2', name]);
    expect(Date.now() - started).toBeLessThan(8_000);
    const [stopped] = await dockerJson(['inspect', name]);
    expect(stopped.State.Running).toBe(false);
    await docker(['rm', '-f', name]);
    expect((await objectsWithLabel(`${RUN_LABEL}=${RUN}`)).containers).not.toContain(name);
  });

  it('an infra container from the pause image provides a network namespace other containers join', async () => {
    const image = await ensurePauseImage(new Docker());
    const infra = `sbx-smoke-infra-${RUN}`;
    await docker(['run', '-d', '--name', infra, '--network', 'none', '--label', `${RUN_LABEL}=${RUN}`, image]);
    try {
      const out = await docker(['run', '--rm', '--network', `container:${infra}`, '--label', `${RUN_LABEL}=${RUN}`, TEST_IMAGE, 'sh', '-c', 'ip -o link | cut -d: -f2']);
      expect(out.split('\n').map((s) => s.trim())).toEqual(['lo']);
    } finally {
      await docker(['rm', '-f', infra]);
    }
  });

  it('with SBX_PAUSE_IMAGE naming a missing image, apply fails with IMAGE_NOT_FOUND, builds and pulls nothing, leaves nothing', async () => {
    const id = sid('pause-override-missing');
    const res = await sbxE2E(['apply', '-f', writeManifest(sandboxDoc('pause-override-missing', [shContainer('app')]))], {
      env: { SBX_PAUSE_IMAGE: `sbx-test/no-such-pause:${RUN}` },
    });
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toContain('error[IMAGE_NOT_FOUND]');
    expect(res.stderr).toContain('SBX_PAUSE_IMAGE');
    expect((await docker(['image', 'ls', '-q', `sbx-test/no-such-pause:${RUN}`]))).toBe('');
    await expectNothingLeft(id);
  });
});
