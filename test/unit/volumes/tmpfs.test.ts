import { describe, expect, it } from 'vitest';
import { desiredSandbox, type DesiredSandbox } from '../../../src/plan/desired.js';
import type { Observed } from '../../../src/plan/observe.js';
import { realisePlan } from '../../../src/plan/realise.js';
import { reconcile } from '../../../src/plan/reconcile.js';
import type { Command } from '../../../src/plan/steps.js';
import { volumeKinds } from '../../../src/volumes/index.js';
import { container, sandbox } from '../plan/fixtures.js';

const MI = 1024 * 1024;
const opts = { pauseImage: 'sbx-pause:1', kinds: volumeKinds, now: new Date('2026-01-01T00:00:00Z') };
const facts = { pauseImage: 'sbx-pause:1', pauseImagePresent: true, rootfsSizeBytes: () => undefined, mountsOf: () => [], volumeSteps: [] };
const withSize = (sizeBytes: number) => sandbox({ volumes: [{ kind: 'tmpfs', name: 'shared', sizeBytes }] });
const argvOf = (c: Command) => (c.kind === 'docker' ? c.args.filter((a, i, all) => a !== '--label' && all[i - 1] !== '--label') : []);

function after(d: DesiredSandbox): Observed {
  return {
    containers: [d.infra, ...d.containers].map((c) => ({ id: 'name' in c ? c.name : '', name: 'dockerName' in c ? c.dockerName : c.name, state: 'running', status: 'Up', labels: c.labels })),
    networks: [],
    volumes: d.ownedVolumes.map((v) => ({ name: v.name, labels: v.labels })),
  };
}

describe('tmpfs volumes through the backend contract', () => {
  it('a new sandbox: one plan step creates the Docker volume with the size in bytes, and its undo removes it', () => {
    const d = desiredSandbox(withSize(8 * MI), opts);
    const steps = realisePlan(reconcile(d, { containers: [], networks: [], volumes: [] }, 'r1'), d, facts);
    const create = steps.find((s) => s.resource.startsWith('volume shared'))!;
    expect(create).toMatchObject({ action: 'create', cause: 'missing', phase: 'infra' });
    expect(create.run.map(argvOf)).toEqual([
      ['volume', 'create', '--driver', 'local', '--opt', 'type=tmpfs', '--opt', 'device=tmpfs', '--opt', `o=size=${8 * MI},mode=1777`, d.ownedVolumes[0].name],
    ]);
    expect(create.undo.map(argvOf)).toEqual([['volume', 'rm', '--force', d.ownedVolumes[0].name]]);
    // Every container mounting it gets that volume by name.
    expect(d.containers.flatMap((dc) => dc.mounts.map((m) => m.ownedVolume))).toEqual([d.ownedVolumes[0].name, d.ownedVolumes[0].name]);
  });

  it('a resized volume is a new Docker volume: created first, the old one removed in cleanup, the containers replaced', () => {
    const before = desiredSandbox(withSize(8 * MI), opts);
    const d = desiredSandbox(withSize(16 * MI), opts);
    expect(d.ownedVolumes[0].name).not.toBe(before.ownedVolumes[0].name);
    const steps = realisePlan(reconcile(d, after(before), 'r2'), d, facts);
    const lines = steps.map((s) => `${s.phase} ${s.action} ${s.resource} — ${s.cause}`);
    expect(lines).toContain(`infra create volume shared (${d.ownedVolumes[0].name}) — size changed`);
    expect(lines).toContain(`cleanup remove volume ${before.ownedVolumes[0].name} — replaced (size changed)`);
    expect(steps.filter((s) => s.action === 'create' && s.resource.startsWith('container')).map((s) => s.cause)).toEqual(['configuration changed', 'configuration changed']);
  });

  it('the same size keeps the volume and the containers (no step)', () => {
    const d = desiredSandbox(withSize(8 * MI), opts);
    expect(realisePlan(reconcile(d, after(desiredSandbox(withSize(8 * MI), opts)), 'r2'), d, facts)).toEqual([]);
  });

  it('kinds without a Docker volume of the sandbox own none (a pvc is the user\'s)', () => {
    const sb = sandbox({
      volumes: [{ kind: 'pvc', name: 'data', claimName: 'team-data', create: true }],
      containers: [container('app', { volumeMounts: [{ name: 'data', mountPath: '/d', readOnly: false }] })],
    });
    expect(desiredSandbox(sb, opts).ownedVolumes).toEqual([]);
  });
});
