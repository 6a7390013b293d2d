import { describe, expect, test } from 'vitest';
import { container, sandbox } from './fixtures.js';
import { containerOf, notesAt, pod, render } from './helpers.js';

/** Whatever Kubernetes cannot express is reported at its manifest path, never dropped silently. */
describe('unsupported constructs are reported as notes', () => {
  test('every note names the sandbox', () => {
    const r = render([sandbox({ id: 'n1', ttlSeconds: 5 })]);
    expect(r.notes.length).toBeGreaterThan(0);
    expect(r.notes.every((n) => n.sandbox === 'n1')).toBe(true);
  });

  test('pids limit per container', () => {
    expect(notesAt(render([sandbox()]), 'spec.containers').join('\n')).toMatch(/512 processes/);
  });

  test('--init as PID 1', () => {
    expect(notesAt(render([sandbox()]), 'spec.containers').join('\n')).toMatch(/init process/);
  });

  test('ENOSPC past ephemeral storage becomes eviction', () => {
    expect(notesAt(render([sandbox()]), 'spec.containers').join('\n')).toMatch(/evicts the Pod/);
  });

  test('ttl_seconds: the expired Pod is stopped, not deleted', () => {
    expect(notesAt(render([sandbox({ ttlSeconds: 60 })]), 'spec.ttl_seconds')).toHaveLength(1);
  });

  test('host_port binds the node port', () => {
    const r = render([sandbox({ egress: true, ports: [{ containerPort: 80, protocol: 'tcp', hostPort: 8080 }] })]);
    expect(notesAt(r, 'spec.ports[0].host_port').join()).toMatch(/node/);
  });

  test('a port without host_port (random host port on Docker)', () => {
    const r = render([sandbox({ egress: true, ports: [{ containerPort: 80, protocol: 'tcp' }] })]);
    expect(notesAt(r, 'spec.ports[0]').join()).toMatch(/Service/);
  });

  test('host_port with egress false is not published', () => {
    const r = render([sandbox({ ports: [{ containerPort: 80, protocol: 'tcp', hostPort: 8080 }] })]);
    expect(containerOf(pod(r), 'app').ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
    expect(notesAt(r, 'spec.ports[0].host_port').join()).toMatch(/not published/);
  });

  test('egress false: DNS blocked, loopback works, needs a NetworkPolicy-enforcing plugin', () => {
    expect(notesAt(render([sandbox()]), 'spec.egress').join()).toMatch(/127\.0\.0\.1.*NetworkPolicy|DNS/);
  });

  test('tmpfs options other than size', () => {
    const r = render([sandbox({ containers: [container('app', { tmpfs: [{ mountPath: '/run', options: 'size=16m,mode=1777,noexec' }] })] })]);
    const notes = notesAt(r, 'spec.containers[0].tmpfs[0].options');
    expect(notes).toHaveLength(2);
    expect(notes.join('\n')).toMatch(/mode=1777[\s\S]*noexec/);
  });

  test('a tmpfs size that is not fixed (percent)', () => {
    const r = render([sandbox({ containers: [container('app', { tmpfs: [{ mountPath: '/run', options: 'size=50%' }] })] })]);
    expect(notesAt(r, 'spec.containers[0].tmpfs[0].options').join()).toMatch(/not a fixed size/);
  });

  test('security_opt without a Kubernetes equivalent', () => {
    const r = render([sandbox({ containers: [container('app', { securityOpt: ['label=disable', 'systempaths=unconfined'] })] })]);
    expect(notesAt(r, 'spec.containers[0].security_opt[0]')).toHaveLength(1);
    expect(notesAt(r, 'spec.containers[0].security_opt[1]')).toHaveLength(1);
  });

  test('a seccomp profile file on the local machine', () => {
    const r = render([sandbox({ containers: [container('app', { securityOpt: ['seccomp=/etc/docker/seccomp.json', 'seccomp=localhost//etc/p.json'] })] })]);
    expect(notesAt(r, 'spec.containers[0].security_opt[0]').join()).toMatch(/every node/);
    expect(notesAt(r, 'spec.containers[0].security_opt[1]').join()).toMatch(/every node/);
    expect(containerOf(pod(r), 'app').securityContext?.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  });

  test('no-new-privileges together with SYS_ADMIN (Kubernetes rejects the pair)', () => {
    const r = render([sandbox({ containers: [container('app', { capAdd: ['SYS_ADMIN'] })] })]);
    expect(notesAt(r, 'spec.containers[0].cap_add')).toHaveLength(1);
    expect(containerOf(pod(r), 'app').securityContext?.allowPrivilegeEscalation).toBeUndefined();
  });

  test('an env entry that is not KEY=VALUE', () => {
    const r = render([sandbox({ containers: [container('app', { env: ['FROM_HOST'] })] })]);
    expect(notesAt(r, 'spec.containers[0].env[0]')).toHaveLength(1);
    expect(containerOf(pod(r), 'app').env).toBeUndefined();
  });

  test('label keys and values Kubernetes does not accept', () => {
    const r = render([sandbox({ labels: { 'bad key!': 'x', long: 'v'.repeat(64) } })]);
    expect(notesAt(r, 'metadata.labels.bad key!').join()).toMatch(/left out/);
    expect(notesAt(r, 'metadata.labels.long').join()).toMatch(/annotation/);
    expect(pod(r).metadata?.annotations?.long).toBe('v'.repeat(64));
    expect(pod(r).metadata?.labels?.long).toBeUndefined();
  });

  test('an id that cannot be a label value keeps the id in an annotation', () => {
    const id = `a${'b'.repeat(100)}`;
    const r = render([sandbox({ id })]);
    expect(pod(r).metadata?.annotations?.['sbx.dev/sandbox-id']).toBe(id);
    expect(notesAt(r, 'id').length).toBeGreaterThan(0);
  });

  test('a claim name Kubernetes does not accept', () => {
    const r = render([sandbox({ volumes: [{ kind: 'pvc', name: 'v', claimName: 'Team_Data', create: false }] })]);
    expect(notesAt(r, 'spec.volumes[0].pvc.claim_name').join()).toMatch(/team-data/);
  });

  test('pvc create: the claim size is a placeholder', () => {
    const r = render([sandbox({ volumes: [{ kind: 'pvc', name: 'v', claimName: 'c', create: true }] })]);
    expect(notesAt(r, 'spec.volumes[0].pvc.create').join()).toMatch(/placeholder/);
  });

  test('pvc sub_path: a missing directory is created, not refused', () => {
    const r = render([sandbox({
      volumes: [{ kind: 'pvc', name: 'v', claimName: 'c', create: false }],
      containers: [container('app', { volumeMounts: [{ name: 'v', mountPath: '/v', subPath: 'x', readOnly: false }] })],
    })]);
    expect(notesAt(r, 'spec.volumes[0]').join()).toMatch(/PVC_SUBPATH_NOT_FOUND/);
  });

  test('host: the allow-list does not apply on Kubernetes', () => {
    const r = render([sandbox({ volumes: [{ kind: 'host', name: 'h', path: '/srv/x' }] })]);
    expect(notesAt(r, 'spec.volumes[0].host').join()).toMatch(/SBX_ALLOWED_HOST_PATHS/);
  });

  test('ossfs: placeholders, the Secret namespace, an unmounted volume', () => {
    const vol = { kind: 'ossfs' as const, name: 'o', bucket: 'b', endpoint: 'https://e', prefix: '', version: '2.0' as const, options: [] };
    const mounted = render([sandbox({ volumes: [vol], containers: [container('app', { volumeMounts: [{ name: 'o', mountPath: '/o', readOnly: false }] })] })]);
    const notes = notesAt(mounted, 'spec.volumes[0].ossfs').join('\n');
    expect(notes).toMatch(/placeholders/);
    expect(notes).toMatch(/namespace "default"/);
    expect(notesAt(render([sandbox({ volumes: [vol] })]), 'spec.volumes[0]').join()).toMatch(/not mounted/);
  });
});
