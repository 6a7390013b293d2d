import { describe, expect, test } from 'vitest';
import { container, everything, sandbox } from './fixtures.js';
import { containerOf, notesAt, pod, render } from './helpers.js';

const MI = 1024 * 1024;

describe('Pod', () => {
  test('one Pod per sandbox, named by the id, labelled with the sandbox, never restarted', () => {
    const r = render([sandbox({ labels: { team: 'a' } })]);
    const p = pod(r);
    expect(p.metadata?.name).toBe('demo');
    expect(p.metadata?.labels).toMatchObject({ team: 'a', 'sbx.dev/sandbox': 'demo' });
    expect(p.spec?.restartPolicy).toBe('Never');
    expect(p.spec?.automountServiceAccountToken).toBe(false);
  });

  test('args replace the ENTRYPOINT, so they all become command; no args keeps the image default', () => {
    const p = pod(render([sandbox({ containers: [container('a', { args: ['sh', '-c', 'echo hi'] }), container('b', { args: undefined })] })]));
    expect(containerOf(p, 'a').command).toEqual(['sh', '-c', 'echo hi']);
    expect(containerOf(p, 'a').args).toBeUndefined();
    expect(containerOf(p, 'b').command).toBeUndefined();
  });

  test('env KEY=VALUE (value may hold "=") and work_dir', () => {
    const c = containerOf(pod(render([sandbox({ containers: [container('app', { env: ['A=1', 'B=x=y', 'C='], workDir: '/w' })] })])), 'app');
    expect(c.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: 'x=y' }, { name: 'C', value: '' }]);
    expect(c.workingDir).toBe('/w');
  });

  test('resources: requests equal limits; cpu in millicores, memory in binary units when exact', () => {
    const c = containerOf(pod(render([sandbox({ containers: [container('app', { resource: { cpuMillis: 500, memoryBytes: 256 * MI, ephemeralStorageBytes: 160 * MI } })] })])), 'app');
    // /tmp takes 20% of the ephemeral budget in memory; the root filesystem gets the rest.
    expect(c.resources?.limits).toEqual({ cpu: '500m', memory: '256Mi', 'ephemeral-storage': '128Mi' });
    expect(c.resources?.requests).toEqual(c.resources?.limits);
  });

  test('/tmp is a memory emptyDir with 20% of ephemeral_storage (at least 16Mi from 48Mi on)', () => {
    const p = pod(render([sandbox({ containers: [container('app', { resource: { cpuMillis: 100, memoryBytes: 64 * MI, ephemeralStorageBytes: 50 * MI } })] })]));
    const mount = containerOf(p, 'app').volumeMounts?.find((m) => m.mountPath === '/tmp');
    const vol = p.spec?.volumes?.find((v) => v.name === mount?.name);
    expect(vol?.emptyDir).toEqual({ medium: 'Memory', sizeLimit: '16Mi' });
  });

  test("a container's own tmpfs at /tmp replaces the automatic one; size= becomes sizeLimit", () => {
    const p = pod(render([sandbox({ containers: [container('app', { tmpfs: [{ mountPath: '/tmp', options: 'size=64m' }, { mountPath: '/run', options: 'size=1g,ro' }] })] })]));
    const mounts = containerOf(p, 'app').volumeMounts ?? [];
    expect(mounts.filter((m) => m.mountPath === '/tmp')).toHaveLength(1);
    const size = (path: string) => p.spec?.volumes?.find((v) => v.name === mounts.find((m) => m.mountPath === path)?.name)?.emptyDir?.sizeLimit;
    expect(size('/tmp')).toBe('64Mi');
    expect(size('/run')).toBe('1Gi');
    expect(mounts.find((m) => m.mountPath === '/run')?.readOnly).toBe(true);
  });

  test('security: no-new-privileges and the runtime default seccomp profile by default, as sbx on Docker', () => {
    const sc = containerOf(pod(render([sandbox()])), 'app').securityContext;
    expect(sc).toEqual({ allowPrivilegeEscalation: false, seccompProfile: { type: 'RuntimeDefault' } });
  });

  test('security: read_only, capabilities (CAP_ prefix dropped), seccomp/apparmor, no-new-privileges:false', () => {
    const c = container('app', {
      readOnly: true,
      capAdd: ['CAP_NET_ADMIN'],
      capDrop: ['ALL'],
      securityOpt: ['no-new-privileges:false', 'seccomp=unconfined', 'apparmor=localhost/my-profile'],
    });
    const sc = containerOf(pod(render([sandbox({ containers: [c] })])), 'app').securityContext;
    expect(sc).toEqual({
      allowPrivilegeEscalation: true,
      readOnlyRootFilesystem: true,
      capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] },
      seccompProfile: { type: 'Unconfined' },
      appArmorProfile: { type: 'Localhost', localhostProfile: 'my-profile' },
    });
  });

  test('security: SELinux labels become seLinuxOptions', () => {
    const c = container('app', { securityOpt: ['label=type:spc_t', 'label=level:s0:c1,c2'] });
    const sc = containerOf(pod(render([sandbox({ containers: [c] })])), 'app').securityContext;
    expect(sc?.seLinuxOptions).toEqual({ type: 'spc_t', level: 's0:c1,c2' });
  });

  test("sandboxd's node_selector (ignored on Docker) becomes the Pod's nodeSelector", () => {
    const manifest = { apiVersion: 'sandboxd.o/v1', kind: 'Sandbox', id: 'demo', spec: { node_selector: { zone: 'a', 'bad key!': 'x' } } };
    const r = render([sandbox({ manifest })]);
    expect(pod(r).spec?.nodeSelector).toEqual({ zone: 'a' });
    expect(notesAt(r, 'spec.node_selector.bad key!')).toHaveLength(1);
    expect(pod(render([sandbox()])).spec?.nodeSelector).toBeUndefined();
  });

  test('ttl_seconds becomes activeDeadlineSeconds; 0 sets none', () => {
    expect(pod(render([sandbox({ ttlSeconds: 600 })])).spec?.activeDeadlineSeconds).toBe(600);
    expect(pod(render([sandbox()])).spec?.activeDeadlineSeconds).toBeUndefined();
  });

  test('readiness probe goes on the first container, with its timings', () => {
    const p = pod(render([everything()]));
    expect(containerOf(p, 'app').readinessProbe).toEqual({
      httpGet: { path: '/healthz', port: 80 },
      initialDelaySeconds: 1, periodSeconds: 2, timeoutSeconds: 3, successThreshold: 1, failureThreshold: 30,
    });
    expect(containerOf(p, 'sidecar').readinessProbe).toBeUndefined();
    const tcp = pod(render([sandbox({ readinessProbe: { protocol: 'tcp', port: 6379, initialDelaySeconds: 0, periodSeconds: 1, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 } })]));
    expect(containerOf(tcp, 'app').readinessProbe?.tcpSocket).toEqual({ port: 6379 });
  });

  test('ports are listed on the first container; host_port becomes hostPort when the sandbox has egress', () => {
    const p = pod(render([everything()]));
    expect(containerOf(p, 'app').ports).toEqual([
      { containerPort: 80, protocol: 'TCP', hostPort: 8080 },
      { containerPort: 53, protocol: 'UDP' },
    ]);
    expect(containerOf(p, 'sidecar').ports).toBeUndefined();
  });

  test('an id that is not a DNS-1123 name is lowercased for the Pod, with a note', () => {
    const r = render([sandbox({ id: 'My_Sandbox.v1' })]);
    expect(pod(r).metadata?.name).toBe('my-sandbox.v1');
    expect(pod(r).metadata?.labels?.['sbx.dev/sandbox']).toBe('My_Sandbox.v1');
    expect(notesAt(r, 'id').join()).toMatch(/my-sandbox\.v1/);
  });

  test('ids that sanitise to the same name still get distinct Pods', () => {
    const r = render([sandbox({ id: 'Demo' }), sandbox({ id: 'demo' })]);
    const names = r.objects.filter((o) => o.kind === 'Pod').map((o) => o.metadata?.name);
    expect(new Set(names).size).toBe(2);
  });

  test('container names are DNS-1123 labels; a renamed container gets a note', () => {
    const r = render([sandbox({ containers: [container('Web_Server')] })]);
    expect(pod(r).spec?.containers[0].name).toBe('web-server');
    expect(notesAt(r, 'spec.containers[0].name')).toHaveLength(1);
  });
});
