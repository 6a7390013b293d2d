import { volumeKinds } from '../../../src/volumes/index.js';
import { describe, expect, it } from 'vitest';
import { L } from '../../../src/labels.js';
import { desiredSandbox, type DesiredSandbox } from '../../../src/plan/desired.js';
import type { Observed, ObservedContainer } from '../../../src/plan/observe.js';
import { reconcile } from '../../../src/plan/reconcile.js';
import { container, sandbox } from './fixtures.js';

const opts = { pauseImage: 'sbx-pause:1', kinds: volumeKinds, now: new Date('2026-01-01T00:00:00Z') };
const empty: Observed = { containers: [], networks: [], volumes: [] };

/** What Docker would report right after a successful apply of `d`. */
function observedAfter(d: DesiredSandbox, state = 'running'): Observed {
  const c = (name: string, labels: Record<string, string>): ObservedContainer => ({ id: name, name, state, status: 'Up', labels });
  return {
    containers: [c(d.infra.name, d.infra.labels), ...d.containers.map((x) => c(x.dockerName, x.labels))],
    networks: d.network ? [{ name: d.network.name, labels: d.network.labels }] : [],
    volumes: d.ownedVolumes.map((v) => ({ name: v.name, labels: v.labels })),
  };
}

const kinds = (p: { steps: { kind: string }[] }) => p.steps.map((s) => s.kind);

describe('reconcile', () => {
  it('creates everything for a new sandbox: volume, infra, each container', () => {
    const d = desiredSandbox(sandbox(), opts);
    const plan = reconcile(d, empty, 'r1');
    expect(kinds(plan)).toEqual(['create-volume', 'create-infra', 'create-container', 'create-container']);
    expect(plan.steps.every((s) => s.cause === 'missing')).toBe(true);
  });

  it('is a no-op when Docker already matches the manifest', () => {
    const d = desiredSandbox(sandbox(), opts);
    const plan = reconcile(d, observedAfter(d), 'r1');
    expect(plan.steps).toEqual([]);
    expect(plan.unchanged).toEqual(['volume shared', 'infra sbx-demo', 'container writer', 'container reader']);
  });

  it('a new creation time alone does not change any hash', () => {
    const before = desiredSandbox(sandbox(), opts);
    const later = desiredSandbox(sandbox(), { ...opts, now: new Date('2026-02-01T00:00:00Z') });
    expect(reconcile(later, observedAfter(before), 'r2').steps).toEqual([]);
  });

  it('changed args recreate exactly that container, stashing the old one until the new one runs', () => {
    const before = desiredSandbox(sandbox(), opts);
    const sb = sandbox();
    sb.containers[1] = { ...sb.containers[1], args: ['sh', '-c', 'sleep 7200'] };
    const plan = reconcile(desiredSandbox(sb, opts), observedAfter(before), 'r2');
    expect(kinds(plan)).toEqual(['stash-container', 'create-container', 'remove-container']);
    expect(plan.steps[0]).toMatchObject({ name: 'sbx-demo..reader', to: 'sbx-demo..reader.old-r2', cause: 'configuration changed' });
    expect(plan.steps[2]).toMatchObject({ name: 'sbx-demo..reader.old-r2' });
    expect(plan.unchanged).toContain('container writer');
  });

  it('a resized tmpfs volume is a new volume; its users are recreated and the old volume removed last', () => {
    const before = desiredSandbox(sandbox(), opts);
    const sb = sandbox({ volumes: [{ kind: 'tmpfs', name: 'shared', sizeBytes: 16 * 1024 * 1024 }] });
    const plan = reconcile(desiredSandbox(sb, opts), observedAfter(before), 'r2');
    expect(kinds(plan)).toEqual([
      'stash-container', 'stash-container', 'create-volume', 'create-container', 'create-container',
      'remove-container', 'remove-container', 'remove-volume',
    ]);
    expect(plan.steps.find((s) => s.kind === 'create-volume')!.cause).toBe('size changed');
  });

  it('egress true adds a network; turning it off recreates infra and removes the network after', () => {
    const withNet = desiredSandbox(sandbox({ egress: true }), opts);
    expect(kinds(reconcile(withNet, empty, 'r1'))[0]).toBe('create-network');
    const plan = reconcile(desiredSandbox(sandbox({ egress: false }), opts), observedAfter(withNet), 'r2');
    expect(kinds(plan)).toContain('create-infra');
    expect(plan.steps.at(-1)).toMatchObject({ kind: 'remove-network', name: 'sbx-demo' });
  });

  it('a container removed from the manifest is removed; a stopped unchanged one is started', () => {
    const before = desiredSandbox(sandbox(), opts);
    const obs = observedAfter(before);
    obs.containers.find((c) => c.name === 'sbx-demo..writer')!.state = 'exited';
    const sb = sandbox();
    sb.containers = [sb.containers[0]];
    const plan = reconcile(desiredSandbox(sb, opts), obs, 'r2');
    expect(plan.steps.map((s) => `${s.kind}:${'name' in s ? s.name : ''}`)).toEqual([
      'stash-container:sbx-demo..reader',
      'start-container:sbx-demo..writer',
      'remove-container:sbx-demo..reader.old-r2',
    ]);
  });

  it.each([
    ['a staging bind', L.hostResources, '[{"backend":"host","ref":"/var/lib/sbx/staging/demo/writer/0"}]', [{ backend: 'host', ref: '/var/lib/sbx/staging/demo/writer/0' }]],
    ['a shared bucket mount', L.hostResources, '[{"backend":"s3","ref":"0123456789abcdef0123","shared":true}]', [{ backend: 's3', ref: '0123456789abcdef0123', shared: true }]],
    ['a staging bind (recorded by an earlier version)', L.legacyStagedMounts, '["/var/lib/sbx/staging/demo/writer/0"]', [{ ref: '/var/lib/sbx/staging/demo/writer/0' }]],
    ['an ossfs mount (recorded by an earlier version)', L.legacyMountKeys, '["0123456789abcdef0123"]', [{ ref: '0123456789abcdef0123', shared: true }]],
  ])('a stopped container holding %s is recreated, not started: the host-side mount may be gone', (_what, label, value, held) => {
    const d = desiredSandbox(sandbox(), opts);
    const obs = observedAfter(d);
    const writer = obs.containers.find((c) => c.name === 'sbx-demo..writer')!;
    writer.state = 'exited';
    writer.labels = { ...writer.labels, [label]: value };
    const plan = reconcile(d, obs, 'r2');
    expect(plan.steps.map((s) => `${s.kind}:${'name' in s ? s.name : 'container' in s && typeof s.container === 'object' ? s.container.name : ''}`)).toEqual([
      'stash-container:sbx-demo..writer',
      'create-container:writer',
      'remove-container:sbx-demo..writer.old-r2',
    ]);
    expect(plan.steps[1].cause).toBe('container is exited and its host-side mounts are prepared again');
    expect(plan.steps[2]).toMatchObject({ resources: held });
  });

  it('a dead infra container forces every container to be recreated (they lost its network namespace)', () => {
    const d = desiredSandbox(sandbox(), opts);
    const obs = observedAfter(d);
    obs.containers[0].state = 'exited';
    const plan = reconcile(d, obs, 'r2');
    expect(plan.steps.filter((s) => s.kind === 'create-container').map((s) => s.cause)).toEqual(['infra container is recreated', 'infra container is recreated']);
  });

  it('leftovers of an interrupted apply (stashed names) are removed', () => {
    const d = desiredSandbox(sandbox(), opts);
    const obs = observedAfter(d);
    obs.containers.push({ id: 'x', name: 'sbx-demo..reader.old-deadbeef', state: 'exited', status: '', labels: { [L.sandbox]: 'demo', [L.role]: 'container' } });
    const plan = reconcile(d, obs, 'r2');
    expect(plan.steps).toEqual([expect.objectContaining({ kind: 'remove-container', name: 'sbx-demo..reader.old-deadbeef' })]);
  });

  it('ossfs mounts label their users and change the hash when the key changes', () => {
    const sb = sandbox({
      volumes: [{ kind: 'ossfs', name: 'b', bucket: 'bk', endpoint: 'https://e', prefix: 'p', version: '2.0', options: [] }],
      containers: [container('app', { volumeMounts: [{ name: 'b', mountPath: '/mnt', readOnly: false }] })],
    });
    const a = desiredSandbox(sb, { ...opts, kinds: { ...volumeKinds, mountKey: () => 'k1' } });
    const b = desiredSandbox(sb, { ...opts, kinds: { ...volumeKinds, mountKey: () => 'k2' } });
    expect(a.containers[0].labels[`${L.mountUser}.k1`]).toBe('1');
    expect(a.containers[0].hash).not.toBe(b.containers[0].hash);
  });
});
