import { describe, expect, test } from 'vitest';
import type { OssfsVolume } from '../../../src/manifest/model.js';
import { container, everything, sandbox } from './fixtures.js';
import { containerOf, ofKind, pod, render } from './helpers.js';
import { renderKubernetes } from '../../../src/render/kubernetes.js';

const MI = 1024 * 1024;

function oss(over: Partial<OssfsVolume> = {}): OssfsVolume {
  return { kind: 'ossfs', name: 'bucket', bucket: 'b1', endpoint: 'https://oss-cn-hangzhou.aliyuncs.com', prefix: '', version: '2.0', options: [], ...over };
}

describe('volumes', () => {
  test('a tmpfs volume is ONE memory emptyDir shared by every container that mounts it; read_only per mount', () => {
    const s = sandbox({
      volumes: [{ kind: 'tmpfs', name: 'shared', sizeBytes: 8 * MI }],
      containers: [
        container('writer', { volumeMounts: [{ name: 'shared', mountPath: '/data', readOnly: false }] }),
        container('reader', { volumeMounts: [{ name: 'shared', mountPath: '/data', readOnly: true }] }),
      ],
    });
    const p = pod(render([s]));
    expect(p.spec?.volumes?.filter((v) => v.name === 'shared')).toEqual([{ name: 'shared', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } }]);
    expect(containerOf(p, 'writer').volumeMounts).toContainEqual({ name: 'shared', mountPath: '/data' });
    expect(containerOf(p, 'reader').volumeMounts).toContainEqual({ name: 'shared', mountPath: '/data', readOnly: true });
  });

  test('pvc → persistentVolumeClaim with subPath on the mount; only create: true emits a claim object', () => {
    const r = render([everything()]);
    const p = pod(r);
    expect(p.spec?.volumes).toContainEqual({ name: 'datasets', persistentVolumeClaim: { claimName: 'team-datasets' } });
    expect(containerOf(p, 'app').volumeMounts).toContainEqual({ name: 'datasets', mountPath: '/mnt/train', subPath: 'datasets/train', readOnly: true });
    const claims = ofKind(r, 'PersistentVolumeClaim').filter((c) => !c.spec?.volumeName);
    expect(claims.map((c) => c.metadata?.name)).toEqual(['build-cache']);
    expect(claims[0].spec?.resources?.requests?.storage).toBe('1Gi');
  });

  test('a created claim used by two sandboxes is emitted once', () => {
    const s = (id: string) => sandbox({
      id,
      volumes: [{ kind: 'pvc', name: 'c', claimName: 'shared-cache', create: true }],
      containers: [container('app', { volumeMounts: [{ name: 'c', mountPath: '/c', readOnly: false }] })],
    });
    const r = render([s('one'), s('two')]);
    expect(ofKind(r, 'PersistentVolumeClaim').map((c) => c.metadata?.name)).toEqual(['shared-cache']);
  });

  test('host → hostPath of type Directory, sub_path on the mount', () => {
    const p = pod(render([everything()]));
    expect(p.spec?.volumes).toContainEqual({ name: 'outputs', hostPath: { path: '/srv/sbx/outputs', type: 'Directory' } });
    expect(containerOf(p, 'sidecar').volumeMounts).toContainEqual({ name: 'outputs', mountPath: '/out', subPath: 'run-42' });
  });

  test('ossfs → static PersistentVolume on the OSS CSI driver, bound to its own claim, Secret by reference', () => {
    const s = sandbox({
      volumes: [oss({ prefix: 'team-a', version: '1.0', options: ['umask=0022', 'max_stat_cache_size=0'] })],
      containers: [container('app', { volumeMounts: [{ name: 'bucket', mountPath: '/mnt/oss', readOnly: false }] })],
    });
    const r = render([s]);
    const [pv] = ofKind(r, 'PersistentVolume');
    const [pvc] = ofKind(r, 'PersistentVolumeClaim');
    const [secret] = ofKind(r, 'Secret');
    expect(pv.spec?.csi).toEqual({
      driver: 'ossplugin.csi.alibabacloud.com',
      volumeHandle: pv.metadata?.name,
      nodePublishSecretRef: { name: secret.metadata?.name, namespace: 'default' },
      volumeAttributes: {
        bucket: 'b1',
        url: 'https://oss-cn-hangzhou.aliyuncs.com',
        path: '/team-a',
        fuseType: 'ossfs',
        otherOpts: '-o umask=0022 -o max_stat_cache_size=0',
      },
    });
    expect(pv.spec?.storageClassName).toBe('');
    expect(pvc.spec?.volumeName).toBe(pv.metadata?.name);
    expect(pvc.spec?.storageClassName).toBe('');
    expect(pod(r).spec?.volumes).toContainEqual({ name: 'bucket', persistentVolumeClaim: { claimName: pvc.metadata?.name } });
    expect(secret.stringData).toEqual({ akId: '<OSS_ACCESS_KEY_ID>', akSecret: '<OSS_ACCESS_KEY_SECRET>' });
  });

  test('ossfs sub_path extends the bucket path (one PersistentVolume per sub_path), never a subPath walk', () => {
    const s = sandbox({
      volumes: [oss({ prefix: 'team-a' })],
      containers: [
        container('a', { volumeMounts: [{ name: 'bucket', mountPath: '/x', subPath: 'run-1', readOnly: false }] }),
        container('b', { volumeMounts: [{ name: 'bucket', mountPath: '/x', subPath: 'run-1', readOnly: true }, { name: 'bucket', mountPath: '/y', subPath: 'run-2', readOnly: true }] }),
      ],
    });
    const r = render([s]);
    const paths = ofKind(r, 'PersistentVolume').map((pv) => pv.spec?.csi?.volumeAttributes?.path);
    expect(paths).toEqual(['/team-a/run-1', '/team-a/run-2']);
    expect(ofKind(r, 'PersistentVolume').map((pv) => pv.spec?.accessModes)).toEqual([['ReadWriteMany'], ['ReadOnlyMany']]);
    expect(ofKind(r, 'Secret')).toHaveLength(1);
    const mounts = pod(r).spec?.containers.flatMap((c) => c.volumeMounts ?? []) ?? [];
    expect(mounts.every((m) => m.subPath === undefined)).toBe(true);
  });

  test('claim names that differ on Docker stay different claims on Kubernetes', () => {
    const s = sandbox({
      volumes: [
        { kind: 'pvc', name: 'a', claimName: 'data', create: true },
        { kind: 'pvc', name: 'b', claimName: 'Data', create: true },
      ],
    });
    const r = render([s]);
    const claims = pod(r).spec?.volumes?.map((v) => v.persistentVolumeClaim?.claimName).filter(Boolean);
    expect(claims?.[0]).toBe('data');
    expect(claims?.[1]).not.toBe('data');
    expect(ofKind(r, 'PersistentVolumeClaim')).toHaveLength(2);
  });

  test('generated names never take a claim named in a manifest, nor each other', () => {
    const withOss = sandbox({ volumes: [oss()], containers: [container('app', { volumeMounts: [{ name: 'bucket', mountPath: '/o', readOnly: false }] })] });
    const withClaim = sandbox({
      id: 'other',
      volumes: [{ kind: 'pvc', name: 'c', claimName: 'demo-bucket', create: true }],
      containers: [container('app', { volumeMounts: [{ name: 'c', mountPath: '/c', readOnly: false }] })],
    });
    const r = render([withOss, withClaim]);
    const claims = ofKind(r, 'PersistentVolumeClaim');
    expect(claims).toHaveLength(2);
    expect(new Set(claims.map((c) => c.metadata?.name)).size).toBe(2);
    expect(claims.find((c) => c.spec?.volumeName)?.metadata?.name).not.toBe('demo-bucket');
    expect(r.notes.map((n) => n.message).join('\n')).not.toMatch(/different definition/);
  });

  test('ossfs 2.0 with a region asks for V4 signatures', () => {
    const s = sandbox({
      volumes: [oss({ region: 'cn-hangzhou' })],
      containers: [container('app', { volumeMounts: [{ name: 'bucket', mountPath: '/oss', readOnly: false }] })],
    });
    expect(ofKind(render([s]), 'PersistentVolume')[0].spec?.csi?.volumeAttributes).toMatchObject({ path: '/', fuseType: 'ossfs2', region: 'cn-hangzhou', sigVersion: 'v4' });
  });

  test('--secrets-from-env fills the Secret from OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET', () => {
    const s = sandbox({
      volumes: [oss()],
      containers: [container('app', { volumeMounts: [{ name: 'bucket', mountPath: '/oss', readOnly: false }] })],
    });
    const r = render([s], { secretsFromEnv: true, env: { OSS_ACCESS_KEY_ID: 'id-from-env', OSS_ACCESS_KEY_SECRET: 'secret-from-env' } });
    expect(ofKind(r, 'Secret')[0].stringData).toEqual({ akId: 'id-from-env', akSecret: 'secret-from-env' });
  });
});

describe('network', () => {
  test('egress: false → a NetworkPolicy selecting the Pod that denies all traffic in and out', () => {
    const r = render([sandbox({ egress: false })]);
    const [np] = ofKind(r, 'NetworkPolicy');
    expect(np.spec).toEqual({ podSelector: { matchLabels: { 'sbx.dev/sandbox': 'demo' } }, policyTypes: ['Ingress', 'Egress'] });
    expect(np.spec?.egress).toBeUndefined();
    expect(pod(r).metadata?.labels?.['sbx.dev/sandbox']).toBe('demo');
  });

  test('egress: true → an egress NetworkPolicy: 0.0.0.0/0 except the reject list, and DNS', () => {
    const [policy] = ofKind(render([sandbox({ egress: true })]), 'NetworkPolicy') as any[];
    expect(policy.spec.policyTypes).toEqual(['Egress']);
    const v4 = policy.spec.egress[0].to[0].ipBlock;
    expect(v4.cidr).toBe('0.0.0.0/0');
    expect(v4.except).toEqual(expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10']));
    expect(policy.spec.egress[1].ports).toEqual(expect.arrayContaining([{ protocol: 'UDP', port: 53 }]));
  });

  test('an allow-list → one ipBlock per CIDR entry (with its port); domains are notes', () => {
    const r = renderKubernetes([sandbox({ egress: true, egressAllow: [{ kind: 'cidr', cidr: '10.1.0.0/16' }, { kind: 'cidr', cidr: '198.51.100.7/32', port: 5432 }, { kind: 'domain', name: 'pypi.org', wildcard: false }] })], { secretsFromEnv: false, env: {} });
    const [policy] = ofKind(r, 'NetworkPolicy') as any[];
    expect(policy.spec.egress.slice(0, 2)).toEqual([
      { to: [{ ipBlock: { cidr: '10.1.0.0/16' } }] },
      { to: [{ ipBlock: { cidr: '198.51.100.7/32' } }], ports: [{ protocol: 'TCP', port: 5432 }, { protocol: 'UDP', port: 5432 }] },
    ]);
    expect(r.notes.find((n) => n.path === 'spec.egress.allow[2]')?.message).toMatch(/pypi\.org: a NetworkPolicy cannot allow a domain name/);
  });
});
