import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, SBX } from '../helpers/cli.js';
import { wrappedDocker } from '../helpers/docker-wrapper.js';
import { STATE_DIR, objectsWithLabel, RUN, sandboxLabel, sbxE2E, sid, writeManifest } from '../helpers/e2e.js';
import { applyDoc, applyOk, containersOf, expectExit, expectNothingLeft, sandboxDoc, shContainer, type LiveContainer } from '../helpers/sandbox-e2e.js';

const example = parse(readFileSync(path.join(ROOT, 'manifests/shared-volume.yaml'), 'utf8'));
const exampleAs = (name: string) => writeManifest({ ...example, id: name });
const mutatingCalls = (w: ReturnType<typeof wrappedDocker>) => w.calls().filter((c) => c.mutating);
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Another user's sandbox, which no failure of a different sandbox may touch. */
let bystander: Record<string, LiveContainer>;
const bystanderId = sid('fault-bystander');

beforeAll(async () => {
  await applyDoc(sandboxDoc('fault-bystander', [shContainer('app')]));
  bystander = await containersOf(bystanderId);
});

afterAll(async () => {
  expect(await containersOf(bystanderId)).toEqual(bystander);
  await sbxE2E(['delete', bystanderId]);
});

// Each test uses its own sandbox, so the groups below run side by side.
describe.concurrent('apply failures', () => {
  describe.concurrent('a failing docker call during apply', () => {
    it('of a new sandbox, for every mutating call of the example: exit 1 and nothing of it remains', async () => {
      const counting = wrappedDocker();
      const countId = sid('fault-count');
      await applyOk(exampleAs('fault-count'), counting.env);
      const steps = mutatingCalls(counting).length;
      expectExit(await sbxE2E(['delete', countId]), 0);
      expect(steps).toBeGreaterThanOrEqual(4);

      await Promise.all(
        range(steps).map(async (k) => {
          const id = sid(`fault-new-${k}`);
          const failing = wrappedDocker({ failAt: k });
          const res = await sbxE2E(['apply', '-f', exampleAs(`fault-new-${k}`)], { env: failing.env });
          expect(res.exitCode, `k=${k}: ${res.stderr}`).toBe(1);
          expect(res.stderr).toContain(`injected failure of mutating call #${k}`);
          await expectNothingLeft(id);
        }),
      );
    });

    it('of a changed re-apply: exit 1 leaves the earlier sandbox as it was; a failing cleanup only warns', async () => {
      const v1 = (name: string) => sandboxDoc(name, [shContainer('keep'), shContainer('change', 'echo v1')]);
      const v2 = (name: string) => sandboxDoc(name, [shContainer('keep'), shContainer('change', 'echo v2')]);
      const counting = wrappedDocker();
      await applyDoc(v1('fault-change-count'));
      await applyOk(writeManifest(v2('fault-change-count')), counting.env);
      const steps = mutatingCalls(counting).length;
      expectExit(await sbxE2E(['delete', sid('fault-change-count')]), 0);
      expect(steps).toBeGreaterThanOrEqual(3);

      const outcomes = await Promise.all(
        range(steps).map(async (k) => {
          const name = `fault-change-${k}`;
          const id = sid(name);
          await applyDoc(v1(name));
          const before = await containersOf(id);
          const failing = wrappedDocker({ failAt: k });
          const res = await sbxE2E(['apply', '-f', writeManifest(v2(name))], { env: failing.env });
          const after = await containersOf(id);
          if (res.exitCode === 1) {
            expect(after, `k=${k}: ${res.stderr}`).toEqual(before);
            // Same container (it may have been stopped and started again), still the old configuration.
            const lines = (await sbxE2E(['logs', id, 'change'])).stdout.trim().split('\n');
            expect(new Set(lines)).toEqual(new Set(['v1']));
          } else {
            // Only removing the replaced container may fail without failing the apply.
            expect(res.exitCode, `k=${k}: ${res.stderr}`).toBe(0);
            expect(res.stderr).toMatch(/warning: .*injected failure/);
            expect(after.change.id).not.toBe(before.change.id);
            // The replaced container is still there under its stash name; the next apply removes it.
            expect(Object.keys(after)).toHaveLength(4);
            await applyOk(writeManifest(v2(name)));
            expect(Object.keys(await containersOf(id)).sort()).toEqual(['change', 'infra', 'keep']);
          }
          expectExit(await sbxE2E(['delete', id]), 0);
          await expectNothingLeft(id);
          return res.exitCode;
        }),
      );
      // Stop, rename and create fail the apply; only the final removal of the replaced container does not.
      expect(outcomes.slice(0, -1).every((code) => code === 1)).toBe(true);
      expect(outcomes.at(-1)).toBe(0);
    });
  });

  /** Start `sbx apply` slowed down by the wrapper, wait until it created something, then signal it. */
  async function signalApplyMidway(name: string, signal: 'SIGKILL' | 'SIGINT'): Promise<{ id: string; exitCode: number | null; stderr: string }> {
    const id = sid(name);
    const slow = wrappedDocker({ delaySeconds: 1 });
    const child = spawn(process.execPath, [SBX, 'apply', '-f', exampleAs(name)], {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...slow.env, SBX_STATE_DIR: STATE_DIR, SBX_TEST_RUN: RUN },
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    for (;;) {
      const objects = await objectsWithLabel(sandboxLabel(id));
      if (objects.containers.length + objects.volumes.length > 0) break;
      if (Date.now() > deadline) throw new Error('apply created nothing within 60 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    // SIGKILL: the whole process group, as when a machine or CI job dies. SIGINT: sbx alone, as Ctrl-C would reach it.
    process.kill(signal === 'SIGKILL' ? -child.pid! : child.pid!, signal);
    const exitCode = await exited;
    // A docker request already sent still completes in the engine.
    await new Promise((r) => setTimeout(r, 1500));
    return { id, exitCode, stderr };
  }

  describe.concurrent('sbx apply stopped midway', () => {
    it('SIGKILL, then sbx delete ID removes everything', async () => {
      const { id } = await signalApplyMidway('killed-delete', 'SIGKILL');
      expectExit(await sbxE2E(['delete', id]), 0);
      await expectNothingLeft(id);
    });

    it('SIGKILL, then sbx gc removes the leftovers once the dead apply is stale', async () => {
      const { id } = await signalApplyMidway('killed-gc', 'SIGKILL');
      const deadline = Date.now() + 60_000;
      for (;;) {
        expectExit(await sbxE2E(['gc']), 0);
        const left = await objectsWithLabel(sandboxLabel(id));
        if (left.containers.length + left.volumes.length + left.networks.length === 0) break;
        if (Date.now() > deadline) throw new Error(`gc left ${JSON.stringify(left)}`);
        await new Promise((r) => setTimeout(r, 2000));
      }
    });

    it('SIGINT: it rolls back what it created and exits 130', async () => {
      const { id, exitCode, stderr } = await signalApplyMidway('interrupted', 'SIGINT');
      expect(exitCode, stderr).toBe(130);
      expect(stderr).toContain('interrupted');
      await expectNothingLeft(id);
    });
  });
});
