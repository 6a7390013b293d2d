import { Chalk } from 'chalk';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markApplied } from '../../../src/apply/applied-record.js';
import { applySandbox } from '../../../src/apply/apply-sandbox.js';
import type { DockerClient, RunOptions, RunResult } from '../../../src/docker/engine.js';
import { pauseImageRef } from '../../../src/docker/pause-image.js';
import { L } from '../../../src/labels.js';
import { desiredSandbox } from '../../../src/plan/desired.js';
import { Reporter } from '../../../src/ui/reporter.js';
import { volumeKinds } from '../../../src/volumes/index.js';
import { FakeDocker } from '../../helpers/fake-docker.js';
import { container, sandbox } from '../plan/fixtures.js';

/**
 * A docker whose answers wait until the test lets them go: what is pending at one moment is one
 * round of calls, each issued without waiting for another's answer.
 */
class HeldDocker implements Pick<DockerClient, 'argv' | 'run'> {
  readonly pending: { args: string[]; release: () => void }[] = [];
  readonly rounds: string[][] = [];
  constructor(private readonly inner: FakeDocker) {}
  argv(args: readonly string[]): string[] {
    return this.inner.argv(args);
  }
  run(args: readonly string[], opts?: RunOptions): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ args: [...args], release: () => this.inner.run(args, opts).then(resolve, reject) });
    });
  }
  /** Waits until no more calls come, then answers all pending ones; returns what they were. */
  async releaseRound(): Promise<string[]> {
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    const round = this.pending.splice(0);
    for (const p of round) p.release();
    const verbs = round.map((p) => p.args.slice(0, 2).join(' ')).sort();
    if (verbs.length) this.rounds.push(verbs);
    return verbs;
  }
}

const quiet = () => new Reporter('quiet', new Chalk({ level: 0 }));
const plain = sandbox({ containers: [container('writer'), container('reader', { image: 'sbx-test/other:1' })], volumes: [] });

async function planRounds(answer: ConstructorParameters<typeof FakeDocker>[0]): Promise<{ rounds: string[][]; steps: string[] }> {
  const docker = new HeldDocker(new FakeDocker(answer));
  const done = applySandbox(plain, { docker: docker as unknown as DockerClient, reporter: quiet(), dryRun: true });
  let settled = false;
  void done.finally(() => (settled = true));
  for (let i = 0; i < 10 && !settled; i++) await docker.releaseRound();
  const res = await done;
  return { rounds: docker.rounds, steps: res.steps.map((s) => `${s.action} ${s.resource}`) };
}

describe('planning an apply asks the engine in one round', () => {
  let dir: string;
  const saved = process.env.SBX_STATE_DIR;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sbx-plan-rounds-'));
    process.env.SBX_STATE_DIR = dir;
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    if (saved === undefined) delete process.env.SBX_STATE_DIR;
    else process.env.SBX_STATE_DIR = saved;
  });

  it('a new sandbox: containers, networks, volumes, engine facts, the pause image and every image (one inspect) at once, then nothing more', async () => {
    const missing = (args: readonly string[]) => args.slice(4).map((ref) => `Error: No such image: ${ref}`).join('\n');
    const { rounds, steps } = await planRounds((args) => (args[0] === 'image' ? { exitCode: 1, stderr: missing(args) } : {}));
    expect(rounds).toEqual([['image inspect', 'info --format', 'network ls', 'ps -a', 'volume ls']]);
    expect(steps).toEqual(['pull image sbx-test/busybox:1', 'pull image sbx-test/other:1', `build image ${pauseImageRef()}`, 'create infra container', 'create container writer', 'create container reader']);
  });

  it('a sandbox applied here before: its containers are asked alone, and when they show it converged nothing else is asked', async () => {
    markApplied(plain.id);
    const d = desiredSandbox(plain, { pauseImage: pauseImageRef(), kinds: volumeKinds });
    const sep = '\u001f';
    const row = (name: string, hash: string, role: string) => ['id-' + name, name, 'running', 'Up', '', 'demo', role, '', hash].join(sep);
    const ps = [row(d.infra.name, d.infra.hash, 'infra'), ...d.containers.map((dc) => row(dc.dockerName, dc.hash, 'container'))].join('\n');
    const { rounds, steps } = await planRounds((args) => (args[0] === 'ps' ? { stdout: ps } : {}));
    expect(steps).toEqual([]);
    expect(rounds).toEqual([['ps -a']]);
    expect(d.containers[0].labels[L.configHash]).toBe(d.containers[0].hash);
  });
});
