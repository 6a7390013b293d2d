import { volumeKinds } from '../../../src/volumes/index.js';
import { describe, expect, it } from 'vitest';
import { executePlan } from '../../../src/apply/execute.js';
import { L } from '../../../src/labels.js';
import { desiredSandbox, type DesiredSandbox } from '../../../src/plan/desired.js';
import type { PreparedMount } from '../../../src/plan/mounts.js';
import type { Observed } from '../../../src/plan/observe.js';
import { realisePlan } from '../../../src/plan/realise.js';
import { reconcile } from '../../../src/plan/reconcile.js';
import type { MountProvider, PlanStep } from '../../../src/plan/steps.js';
import { Chalk } from 'chalk';
import { Reporter } from '../../../src/ui/reporter.js';
import { FakeDocker } from '../../helpers/fake-docker.js';
import { container, sandbox } from '../plan/fixtures.js';

/** The objects a docker engine would hold: enough to tell what a plan (and its rollback) left behind. */
interface World {
  containers: Map<string, { running: boolean }>;
  volumes: Set<string>;
  networks: Set<string>;
}

const snapshot = (w: World) => ({
  containers: Object.fromEntries([...w.containers].sort(([a], [b]) => a.localeCompare(b))),
  volumes: [...w.volumes].sort(),
  networks: [...w.networks].sort(),
});

/** A fake engine applying the few commands plans use to a World; call `failAt` fails (after creating, like `docker run`). */
function engine(world: World, failAt: number): FakeDocker {
  let mutating = 0;
  const docker: FakeDocker = new FakeDocker((args) => {
    const [cmd, sub] = args;
    const fail = () => ++mutating === failAt;
    const name = (flag = '--name') => args[args.indexOf(flag) + 1];
    if (cmd === 'run' || cmd === 'create') {
      world.containers.set(name(), { running: cmd === 'run' });
      return fail() ? { exitCode: 125, stderr: 'injected failure' } : { stdout: `id-${name()}\n` };
    }
    if (fail()) return { exitCode: 1, stderr: 'injected failure' };
    if (cmd === 'start' || cmd === 'stop') {
      const c = world.containers.get(args[args.length - 1]);
      if (!c) return { exitCode: 1, stderr: 'no such container' };
      c.running = cmd === 'start';
    } else if (cmd === 'rename') {
      const c = world.containers.get(args[1]);
      if (!c || world.containers.has(args[2])) return { exitCode: 1, stderr: 'cannot rename' };
      world.containers.delete(args[1]);
      world.containers.set(args[2], c);
    } else if (cmd === 'rm') {
      for (const n of args.slice(3)) world.containers.delete(n);
    } else if (cmd === 'volume' && sub === 'create') world.volumes.add(args[args.length - 1]);
    else if (cmd === 'volume' && sub === 'rm') for (const n of args.slice(2).filter((a) => !a.startsWith('-'))) world.volumes.delete(n);
    else if (cmd === 'network' && sub === 'create') world.networks.add(args[args.length - 1]);
    else if (cmd === 'network' && sub === 'rm') world.networks.delete(args[2]);
    return {};
  });
  return docker;
}

/** Mounts made and released, as the volume backends would report them. */
function mountsFake(): MountProvider & { held: Set<string> } {
  const held = new Set<string>();
  return {
    held,
    async prepare(container: string, planned: PreparedMount[]) {
      held.add(container);
      return planned;
    },
    verify: async () => undefined,
    async release(container: string) {
      held.delete(container);
    },
    afterRemove: async () => undefined,
    repair: async () => undefined,
  };
}

/** The network policy's host-side actions, recorded. */
function policyFake(log: string[] = []) {
  return {
    enforce: async (infra: string) => void log.push(`enforce ${infra}`),
    release: async () => void log.push('release'),
  };
}

const quiet = () => new Reporter('quiet', new Chalk({ level: 0 }));
const opts = { pauseImage: 'sbx-pause:1', kinds: volumeKinds, now: new Date('2026-01-01T00:00:00Z') };

function plan(d: DesiredSandbox, observed: Observed, pauseImagePresent = false): PlanStep[] {
  const mounted: PreparedMount = { backend: 'host', volume: 'out', mount: { type: 'bind', source: '/staging/x', target: '/out', readOnly: false }, displaySource: '/srv/out', expectedSource: '/staging/x', stagingPath: '/staging/x' };
  return realisePlan(reconcile(d, observed, 'r1'), d, {
    pauseImage: opts.pauseImage,
    pauseImagePresent,
    rootfsSizeBytes: () => undefined,
    mountsOf: (dc) => (dc.name === 'writer' ? [mounted] : []),
    volumeSteps: [],
  });
}

function mutatingCalls(steps: PlanStep[]): number {
  return steps.filter((s) => s.phase !== 'cleanup').flatMap((s) => s.run).filter((c) => c.kind === 'docker').length;
}

const egressSandbox = sandbox({ egress: true });

describe('executePlan rolls back a failure at any step', () => {
  const fresh = desiredSandbox(egressSandbox, opts);
  const steps = plan(fresh, { containers: [], networks: [], volumes: [] });

  it('a new sandbox: the plan runs pause image and network, then the infra container with the volume beside it, then each container', () => {
    expect(steps.map((s) => `${s.phase}: ${s.action} ${s.resource}`)).toEqual([
      'prepare: build image sbx-pause:1',
      'prepare: create network sbx-demo',
      'infra: create infra container',
      'infra: create volume shared (sbx-demo..shared.7815d3a0)',
      'containers: create container writer',
      'containers: create container reader',
    ]);
    expect(mutatingCalls(steps)).toBe(7);
  });

  it.each([1, 2, 3, 4, 5, 6, 7])('a new sandbox whose mutating call %i fails leaves nothing, and releases its mounts', async (k) => {
    const world: World = { containers: new Map(), volumes: new Set(), networks: new Set() };
    const mounts = mountsFake();
    await expect(executePlan(steps, { docker: engine(world, k), reporter: quiet(), mounts, stdin: { 'pause-image-tar': () => new Uint8Array() }, policy: policyFake() })).rejects.toThrow('injected failure');
    expect(snapshot(world)).toEqual({ containers: {}, volumes: [], networks: [] });
    expect([...mounts.held]).toEqual([]);
  });

  it('with no failure, everything exists and each created container id is returned', async () => {
    const world: World = { containers: new Map(), volumes: new Set(), networks: new Set() };
    const ids = await executePlan(steps, { docker: engine(world, 0), reporter: quiet(), mounts: mountsFake(), stdin: { 'pause-image-tar': () => new Uint8Array() }, policy: policyFake() });
    expect(snapshot(world)).toEqual({
      containers: { 'sbx-demo': { running: true }, 'sbx-demo..reader': { running: true }, 'sbx-demo..writer': { running: true } },
      volumes: ['sbx-demo..shared.7815d3a0'],
      networks: ['sbx-demo'],
    });
    expect(Object.fromEntries(ids)).toEqual({ 'sbx-demo': 'id-sbx-demo', 'sbx-demo..writer': 'id-sbx-demo..writer', 'sbx-demo..reader': 'id-sbx-demo..reader' });
  });

  // A changed container: the old one is stopped and renamed aside, the new one created, the old removed.
  const changed = desiredSandbox(sandbox({ egress: true, containers: [fresh.sandbox.containers[0], container('reader', { env: ['NEW=1'], volumeMounts: fresh.sandbox.containers[1].volumeMounts })] }), opts);
  const before: Observed = {
    containers: [
      { id: 'i', name: fresh.infra.name, state: 'running', status: 'Up', labels: fresh.infra.labels },
      ...fresh.containers.map((c) => ({ id: c.name, name: c.dockerName, state: 'running', status: 'Up', labels: c.labels })),
    ],
    networks: [{ name: 'sbx-demo', labels: fresh.network!.labels }],
    volumes: fresh.ownedVolumes.map((v) => ({ name: v.name, labels: v.labels })),
  };
  const replace = plan(changed, before, true);
  const initial = () => ({
    containers: new Map([['sbx-demo', { running: true }], ['sbx-demo..writer', { running: true }], ['sbx-demo..reader', { running: true }]]),
    volumes: new Set(['sbx-demo..shared.7815d3a0']),
    networks: new Set(['sbx-demo']),
  });

  it('a changed container: stash (stop, rename), create, then remove the stashed one', () => {
    expect(replace.map((s) => ({ phase: s.phase, run: s.run.map((c) => (c.kind === 'docker' ? c.args.slice(0, 3).join(' ') : c.kind)) }))).toEqual([
      { phase: 'stash', run: ['stop --time 2', 'rename sbx-demo..reader sbx-demo..reader.old-r1'] },
      { phase: 'containers', run: ['run --detach --name'] },
      { phase: 'cleanup', run: ['rm --force --volumes', 'release-resources'] },
    ]);
    expect(changed.containers[1].labels[L.configHash]).not.toBe(fresh.containers[1].labels[L.configHash]);
  });

  it.each([1, 2, 3])('a replacement whose mutating call %i fails puts the old container back, running', async (k) => {
    const world = initial();
    await expect(executePlan(replace, { docker: engine(world, k), reporter: quiet(), mounts: mountsFake(), stdin: { 'pause-image-tar': () => new Uint8Array() }, policy: policyFake() })).rejects.toThrow('injected failure');
    expect(snapshot(world)).toEqual(snapshot(initial()));
  });

  it('a failing cleanup is a warning: the new sandbox stays', async () => {
    const world = initial();
    const warnings: string[] = [];
    const reporter = quiet();
    reporter.warn = (line: string) => void warnings.push(line);
    await executePlan(replace, { docker: engine(world, 4), reporter, mounts: mountsFake(), stdin: { 'pause-image-tar': () => new Uint8Array() }, policy: policyFake() });
    expect(world.containers.get('sbx-demo..reader')).toEqual({ running: true });
    expect(world.containers.has('sbx-demo..reader.old-r1')).toBe(true);
    expect(warnings).toEqual(['remove replaced containers: injected failure; the next apply or `sbx gc` removes it']);
  });

  it.each([1, 2, 3, 4])('with a network policy, a failure after it was enforced (mutating call %i) also stops the DNS helper', async (k) => {
    const d = desiredSandbox(egressSandbox, opts);
    const withPolicy = realisePlan(reconcile(d, { containers: [], networks: [], volumes: [] }, 'r1'), d, {
      pauseImage: opts.pauseImage,
      pauseImagePresent: true,
      rootfsSizeBytes: () => undefined,
      mountsOf: () => [],
      volumeSteps: [],
      policy: { ruleset: 'table inet sbx {}\n', dnsHelper: ['--port=53'] },
    });
    expect(withPolicy.map((s) => s.phase)).toEqual(['prepare', 'infra', 'infra', 'policy', 'containers', 'containers']);
    const world: World = { containers: new Map(), volumes: new Set(), networks: new Set() };
    const log: string[] = [];
    const o = { docker: engine(world, k), reporter: quiet(), mounts: mountsFake(), stdin: { 'pause-image-tar': () => new Uint8Array() }, policy: policyFake(log) };
    await expect(executePlan(withPolicy, o)).rejects.toThrow('injected failure');
    expect(snapshot(world)).toEqual({ containers: {}, volumes: [], networks: [] });
    // Calls 1-3 (network, volume, infra) fail before the policy step starts: nothing to release then.
    expect(log).toEqual(k <= 3 ? [] : ['enforce sbx-demo', 'release']);
  });
});
