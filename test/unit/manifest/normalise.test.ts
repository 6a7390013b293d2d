import { describe, expect, it } from 'vitest';
import { BASE, edit, loadText } from './helpers.js';

describe('normalised model', () => {
  it('fills readiness probe defaults and lower-cases protocols', async () => {
    const text = edit(BASE, 'ttl_seconds: 60', 'ttl_seconds: 60\n  readiness_probe: {protocol: HTTP, port: 80}').replace('protocol: tcp}', 'protocol: UDP}');
    const s = (await loadText(text)).sandboxes[0];
    expect(s.readinessProbe).toEqual({ protocol: 'http', port: 80, path: '/', initialDelaySeconds: 1, periodSeconds: 1, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 30 });
    expect(s.ports).toEqual([{ containerPort: 80, protocol: 'udp' }]);
  });

  it('a tcp probe has no path', async () => {
    const s = (await loadText(edit(BASE, 'ttl_seconds: 60', 'ttl_seconds: 60\n  readiness_probe: {protocol: tcp, port: 80, failure_threshold: 5}'))).sandboxes[0];
    expect(s.readinessProbe).toEqual({ protocol: 'tcp', port: 80, initialDelaySeconds: 1, periodSeconds: 1, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 5 });
  });

  it('ossfs: endpoint scheme, prefix slashes, version default, options', async () => {
    const vol = (ossfs: string) => loadText(edit(BASE, 'pvc: {claim_name: team-data}', `ossfs: ${ossfs}`)).then((r) => r.sandboxes[0].volumes[1]);
    expect(await vol('{bucket: my-bucket, endpoint: oss-cn-hangzhou.aliyuncs.com}')).toEqual({
      kind: 'ossfs', name: 'data', bucket: 'my-bucket', endpoint: 'https://oss-cn-hangzhou.aliyuncs.com', prefix: '', version: '2.0', options: [],
    });
    expect(await vol('{bucket: my-bucket, endpoint: "http://127.0.0.1:9000/", path: /a/b/, version: "1.0", region: cn-hangzhou, options: [allow_other, umask=0022]}')).toEqual({
      kind: 'ossfs', name: 'data', bucket: 'my-bucket', endpoint: 'http://127.0.0.1:9000', prefix: 'a/b', version: '1.0', region: 'cn-hangzhou', options: ['allow_other', 'umask=0022'],
    });
  });

  it('host, pvc create, read-only mounts and container defaults', async () => {
    let text = edit(BASE, 'pvc: {claim_name: team-data}', 'pvc: {claim_name: team-data, create: true}');
    text = edit(text, 'sub_path: train', 'sub_path: train\n          read_only: true');
    const s = (await loadText(text)).sandboxes[0];
    expect(s.volumes[1]).toEqual({ kind: 'pvc', name: 'data', claimName: 'team-data', create: true });
    expect(s.containers[0].volumeMounts[1].readOnly).toBe(true);
    expect(s.containers[1]).toEqual({
      name: 'side', image: 'alpine:3.20', imagePullPolicy: 'if_not_present', env: [], resource: { cpuMillis: 1000, memoryBytes: 64 * 2 ** 20, ephemeralStorageBytes: 128 * 2 ** 20 },
      volumeMounts: [], readOnly: false, capAdd: [], capDrop: [], securityOpt: [], tmpfs: [],
    });
    expect(s.egress).toBe(false);
    expect(s.ttlSeconds).toBe(60);
  });

  it('tmpfs sizes in units the kernel does not know become bytes', async () => {
    const s = (await loadText(edit(BASE, 'options: "size=16m"', 'options: "size=64mi,mode=1777,noexec"'))).sandboxes[0];
    expect(s.containers[0].tmpfs).toEqual([{ mountPath: '/run', options: `size=${64 * 2 ** 20},mode=1777,noexec` }]);
  });

  it('YAML merge keys work', async () => {
    const text = edit(BASE, 'resource: {cpu: "1", memory: 64Mi}', 'resource: {<<: *res, memory: 64Mi}').replace('resource: {cpu: 500m, memory: 128Mi}', 'resource: &res {cpu: 500m, memory: 128Mi}');
    expect((await loadText(text)).sandboxes[0].containers[1].resource.cpuMillis).toBe(500);
  });

  it('the manifest copy is plain JSON of the document', async () => {
    const s = (await loadText(BASE)).sandboxes[0];
    expect(JSON.parse(JSON.stringify(s.manifest))).toEqual(s.manifest);
    expect((s.manifest.spec as { containers: unknown[] }).containers).toHaveLength(2);
  });
});
