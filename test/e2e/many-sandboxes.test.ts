/**
 * Several sandboxes in one command (apply -f DIR, delete ID...): applied side by side under one
 * observation, output in a stable order, one failure rolled back alone.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { wrappedDocker } from '../helpers/docker-wrapper.js';
import { ROOT } from '../helpers/cli.js';

type TimedCall = { startMs: number; endMs: number; argv: string };
import { RUN, RUN_LABEL, STATE_DIR, objectsWithLabel, sandboxLabel, sbxE2E, sid } from '../helpers/e2e.js';
import { expectExit, expectNothingLeft, sandboxDoc, shContainer } from '../helpers/sandbox-e2e.js';

/** A directory with one manifest file per sandbox (ids of this run, labelled for cleanup). */
function manifestDir(docs: Record<string, unknown>[]): string {
  mkdirSync(path.join(STATE_DIR, 'test-files'), { recursive: true });
  const dir = mkdtempSync(path.join(STATE_DIR, 'test-files', 'many-'));
  docs.forEach((d, i) => {
    const labels = (d.metadata as { labels?: Record<string, string> } | undefined)?.labels;
    const doc = { ...d, id: sid(String(d.id)), metadata: { labels: { ...labels, [RUN_LABEL]: RUN } } };
    writeFileSync(path.join(dir, `${i}-${String(d.id)}.yaml`), stringify(doc));
  });
  return dir;
}

const small = (name: string, image?: string) =>
  sandboxDoc(name, [shContainer('app', '', image ? { image } : {}), shContainer('side')], { volumes: [{ name: 'shared', ephemeral_storage: '8Mi' }] });

/** The container creations (docker run/create --name …) of one sandbox: its infra and its two containers. */
const creationsOf = (calls: TimedCall[], id: string) => calls.filter((c) => /^(run|create) /.test(c.argv) && c.argv.includes(`--name sbx-${id}`));

async function deleteAll(ids: string[]): Promise<void> {
  await sbxE2E(['delete', ...ids]);
}

describe.sequential('several sandboxes in one command', () => {
  it('apply -f DIR applies 4 sandboxes side by side with one observation round for all, prints them in file order, and delete ID... removes them all', async () => {
    const names = ['many-a', 'many-b', 'many-c', 'many-d'];
    const ids = names.map(sid);
    const dir = manifestDir(names.map((n) => small(n)));
    const recorder = wrappedDocker({ times: true });
    try {
      const res = expectExit(await sbxE2E(['apply', '-f', dir, '--concurrency', '4'], { env: recorder.env }), 0);
      expect(res.stdout.trim().split('\n')).toEqual(ids.map((id) => `sandbox ${id} applied (4 created)`));
      // One observation for all: each read-only question is asked once, not once per sandbox.
      const asked = (what: string) => recorder.calls().filter((c) => c.argv.startsWith(what)).length;
      expect(['ps ', 'network ls ', 'volume ls ', 'info ', 'image inspect '].map(asked)).toEqual([1, 1, 1, 1, 1]);
      // Their container creations overlap in time: some sandbox's creation starts before another's ends.
      const timed = recorder.timings();
      const spans = ids.map((id) => creationsOf(timed, id));
      expect(spans.map((s) => s.length)).toEqual([3, 3, 3, 3]);
      const first = (s: TimedCall[]) => Math.min(...s.map((c) => c.startMs));
      const last = (s: TimedCall[]) => Math.max(...s.map((c) => c.endMs));
      const overlapping = spans.some((a, i) => spans.some((b, j) => i !== j && first(b) < last(a) && first(a) < last(b)));
      expect(overlapping).toBe(true);
      // Progress of each sandbox stays together: its lines are not interleaved with another's.
      const owner = res.stderr.split('\n').map((l) => ids.findIndex((id) => l.includes(`sbx-${id}`))).filter((i) => i >= 0);
      expect(owner).toEqual([...owner].sort((x, y) => x - y));

      const gone = expectExit(await sbxE2E(['delete', ...ids]), 0);
      expect(gone.stdout.trim().split('\n')).toEqual(ids.map((id) => `sandbox ${id} deleted`));
      for (const id of ids) await expectNothingLeft(id);
      const again = expectExit(await sbxE2E(['delete', ...ids]), 0);
      expect(again.stderr.trim().split('\n')).toEqual(ids.map((id) => `warning: sandbox ${id} not found`));
    } finally {
      await deleteAll(ids);
    }
  });

  it('one bad sandbox among 4 fails alone: 3 applied, it rolled back, exit 1, and -o json says which', async () => {
    const names = ['bad-a', 'bad-b', 'bad-c', 'bad-d'];
    const ids = names.map(sid);
    // An image that exists nowhere: its container step fails after its infra container was created.
    const dir = manifestDir(names.map((n) => small(n, n === 'bad-c' ? 'sbx-test/not-there:1' : undefined)));
    try {
      const res = await sbxE2E(['apply', '-f', dir, '-o', 'json']);
      expect(res.exitCode).toBe(1);
      const out = JSON.parse(res.stdout);
      expect(out.sandboxes.map((s: { id: string }) => s.id)).toEqual([ids[0], ids[1], ids[3]]);
      expect(out.failed).toHaveLength(1);
      expect(out.failed[0].id).toBe(ids[2]);
      expect(out.failed[0].error.code).toMatch(/^(IMAGE_NOT_FOUND|DOCKER_FAILED|IMAGE_PULL_FAILED)$/);
      expect(res.stderr).toContain(`sandbox ${ids[2]}: `);
      await expectNothingLeft(ids[2]);
      for (const id of [ids[0], ids[1], ids[3]]) expect((await objectsWithLabel(sandboxLabel(id))).containers).toHaveLength(3);
    } finally {
      await deleteAll(ids);
    }
  });

  it('delete --all -l LABEL removes every matching sandbox with one docker rm and one volume rm for all, leaves the others, and is idempotent', async () => {
    const tag = `many-sel-${RUN}`;
    const names = ['all-a', 'all-b', 'all-c', 'all-d'];
    const ids = names.map(sid);
    const other = sid('all-other');
    const labelled = (n: string) => ({ ...small(n), metadata: { labels: { 'sbx-test/selector': tag } } });
    const dir = manifestDir(names.map(labelled));
    try {
      expectExit(await sbxE2E(['apply', '-f', dir]), 0);
      expectExit(await sbxE2E(['apply', '-f', manifestDir([small('all-other')])]), 0);
      const recorder = wrappedDocker();
      const gone = expectExit(await sbxE2E(['delete', '--all', '-l', `sbx-test/selector=${tag}`, '-o', 'json'], { env: recorder.env }), 0);
      expect(JSON.parse(gone.stdout)).toEqual({ deleted: ids, notFound: [] });
      for (const id of ids) await expectNothingLeft(id);
      const mutating = recorder.calls().filter((c) => c.mutating).map((c) => c.argv.split(' ').slice(0, 2).join(' '));
      expect(mutating).toEqual(['rm --force', 'volume rm']);
      // One listing round, before the locks (every sbx object, the selector's label printed): with no
      // other sbx at work meanwhile, it is not asked again under the locks.
      const reads = recorder.calls().filter((c) => !c.mutating).map((c) => c.argv.split(' ').slice(0, 2).join(' '));
      expect(reads.sort()).toEqual(['network ls', 'ps -a', 'volume ls']);
      expect((await objectsWithLabel(sandboxLabel(other))).containers).toHaveLength(3);
      const again = expectExit(await sbxE2E(['delete', '--all', '-l', `sbx-test/selector=${tag}`, '-o', 'json']), 0);
      expect(JSON.parse(again.stdout)).toEqual({ deleted: [], notFound: [] });
    } finally {
      await deleteAll([...ids, other]);
    }
  });

  it('delete --all lists again under the locks when another sbx changed a sandbox after its first listing', async () => {
    const tag = `many-race-${RUN}`;
    const names = ['race-a', 'race-b'];
    const ids = names.map(sid);
    const labelled = (n: string, containers = ['app', 'side']) => ({
      ...sandboxDoc(n, containers.map((c) => shContainer(c)), { volumes: [{ name: 'shared', ephemeral_storage: '8Mi' }] }),
      metadata: { labels: { 'sbx-test/selector': tag } },
    });
    expectExit(await sbxE2E(['apply', '-f', manifestDir(names.map((n) => labelled(n)))]), 0);
    const grown = path.join(manifestDir([labelled('race-a', ['app', 'side', 'extra'])]), `0-race-a.yaml`);
    try {
      // Between the first listing and the locks, another sbx adds a container to race-a.
      const recorder = wrappedDocker({ afterFirstRead: `${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(ROOT, 'bin/sbx'))} apply -f ${JSON.stringify(grown)}` });
      const gone = expectExit(await sbxE2E(['delete', '--all', '-l', `sbx-test/selector=${tag}`, '-o', 'json'], { env: recorder.env }), 0);
      expect(JSON.parse(gone.stdout)).toEqual({ deleted: ids, notFound: [] });
      for (const id of ids) await expectNothingLeft(id);
      const removal = recorder.calls().find((c) => c.argv.startsWith('rm --force'))!;
      expect(removal.argv).toContain(`sbx-${ids[0]}..extra`);
    } finally {
      await deleteAll(ids);
    }
  });

  it('a failing batched removal fails each sandbox it left, exit 1, names them in -o json; a second delete finishes', async () => {
    const names = ['rmfail-a', 'rmfail-b', 'rmfail-c'];
    const ids = names.map(sid);
    try {
      expectExit(await sbxE2E(['apply', '-f', manifestDir(names.map((n) => small(n)))]), 0);
      // Mutating call 2 is the one `docker volume rm` for all: the containers are gone, the volumes stay.
      const res = await sbxE2E(['delete', ...ids, '-o', 'json'], { env: wrappedDocker({ failAt: 2 }).env });
      expect(res.exitCode, res.stderr).toBe(1);
      const out = JSON.parse(res.stdout);
      expect(out.failed.map((f: { id: string }) => f.id)).toEqual(ids);
      expect(out.failed[0].error.message).toMatch(/remove volumes of .*injected failure/);
      for (const id of ids) {
        const left = await objectsWithLabel(sandboxLabel(id));
        expect(left.containers).toEqual([]);
        expect(left.volumes).toHaveLength(1);
      }
      expect(JSON.parse(expectExit(await sbxE2E(['delete', ...ids, '-o', 'json']), 0).stdout).deleted).toEqual(ids);
      for (const id of ids) await expectNothingLeft(id);
    } finally {
      await deleteAll(ids);
    }
  });

  it('--concurrency 1 applies one sandbox after another, in file order', async () => {
    const names = ['seq-a', 'seq-b', 'seq-c'];
    const ids = names.map(sid);
    const dir = manifestDir(names.map((n) => small(n)));
    const recorder = wrappedDocker({ times: true });
    try {
      expectExit(await sbxE2E(['apply', '-f', dir, '--concurrency', '1'], { env: recorder.env }), 0);
      const timed = recorder.timings().filter((c) => !/^(ps|info|version|image inspect|network ls|volume ls|context inspect) /.test(c.argv));
      const mine = ids.map((id) => timed.filter((c) => c.argv.includes(id)));
      for (let i = 1; i < mine.length; i++) {
        const previousEnd = Math.max(...mine[i - 1].map((c) => c.endMs));
        expect(mine[i].every((c) => c.startMs >= previousEnd)).toBe(true);
      }
    } finally {
      await deleteAll(ids);
    }
  });
});
