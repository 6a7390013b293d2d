import type { Container, Sandbox } from '../../../src/manifest/model.js';

export function container(name: string, over: Partial<Container> = {}): Container {
  return {
    name,
    image: 'sbx-test/busybox:1',
    imagePullPolicy: 'if_not_present',
    args: ['sh', '-c', 'sleep 3600'],
    env: [],
    resource: { cpuMillis: 250, memoryBytes: 64 * 1024 * 1024, ephemeralStorageBytes: 128 * 1024 * 1024 },
    volumeMounts: [],
    readOnly: false,
    capAdd: [],
    capDrop: [],
    securityOpt: [],
    tmpfs: [],
    ...over,
  };
}

export function sandbox(over: Partial<Sandbox> = {}): Sandbox {
  return {
    id: 'demo',
    labels: {},
    egress: false,
    ttlSeconds: 0,
    ports: [],
    volumes: [{ kind: 'tmpfs', name: 'shared', sizeBytes: 8 * 1024 * 1024 }],
    containers: [
      container('writer', { volumeMounts: [{ name: 'shared', mountPath: '/data', readOnly: false }] }),
      container('reader', { volumeMounts: [{ name: 'shared', mountPath: '/data', readOnly: true }] }),
    ],
    source: { file: 'demo.yaml', document: 0, line: 1, column: 1 },
    manifest: { apiVersion: 'sandboxd.o/v1', kind: 'Sandbox', id: 'demo' },
    ...over,
  };
}
