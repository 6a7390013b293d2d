import type { Container, Sandbox } from '../../../src/manifest/model.js';
import { Secret } from '../../../src/secret.js';
import { container as planContainer } from '../plan/fixtures.js';

const MI = 1024 * 1024;

/** Model objects as the manifest loader produces them, built by hand (the plan's, with an image and sizes of their own). */
export function container(name: string, over: Partial<Container> = {}): Container {
  return planContainer(name, { image: 'alpine:3.20', resource: { cpuMillis: 500, memoryBytes: 256 * MI, ephemeralStorageBytes: 128 * MI }, ...over });
}

export function sandbox(over: Partial<Sandbox> = {}): Sandbox {
  return {
    id: 'demo',
    labels: {},
    egress: false,
    ttlSeconds: 0,
    ports: [],
    volumes: [],
    containers: [container('app')],
    source: { file: 'demo.yaml', document: 0, line: 1, column: 1 },
    manifest: { apiVersion: 'sandboxd.o/v1', kind: 'Sandbox', id: 'demo' },
    ...over,
  };
}

export const INLINE_KEY_ID = 'LTAI-inline-key-id-4711';
export const INLINE_KEY_SECRET = 'inline-secret-value-0815';

/** Every construct the renderer knows, in one sandbox. */
export function everything(): Sandbox {
  return sandbox({
    id: 'everything',
    labels: { team: 'a', 'example.com/tier': 'gold' },
    egress: true,
    ttlSeconds: 3600,
    ports: [
      { containerPort: 80, protocol: 'tcp', hostPort: 8080 },
      { containerPort: 53, protocol: 'udp' },
    ],
    readinessProbe: {
      protocol: 'http', port: 80, path: '/healthz', initialDelaySeconds: 1, periodSeconds: 2,
      timeoutSeconds: 3, successThreshold: 1, failureThreshold: 30,
    },
    volumes: [
      { kind: 'tmpfs', name: 'scratch', sizeBytes: 128 * MI },
      { kind: 'pvc', name: 'datasets', claimName: 'team-datasets', create: false },
      { kind: 'pvc', name: 'cache', claimName: 'build-cache', create: true },
      { kind: 'host', name: 'outputs', path: '/srv/sbx/outputs' },
      {
        kind: 'ossfs', name: 'bucket', bucket: 'my-bucket', endpoint: 'https://oss-cn-hangzhou.aliyuncs.com',
        prefix: 'team-a', version: '2.0', region: 'cn-hangzhou', options: ['umask=0022'],
        accessKeyId: new Secret(INLINE_KEY_ID), accessKeySecret: new Secret(INLINE_KEY_SECRET),
      },
    ],
    containers: [
      container('app', {
        env: ['KEY=value', 'EQ=a=b'],
        workDir: '/work',
        readOnly: true,
        capAdd: ['NET_ADMIN'],
        capDrop: ['ALL'],
        securityOpt: ['no-new-privileges:true', 'seccomp=unconfined', 'apparmor=unconfined'],
        tmpfs: [{ mountPath: '/run', options: 'size=16m' }],
        volumeMounts: [
          { name: 'scratch', mountPath: '/srv/runtime', readOnly: false },
          { name: 'datasets', mountPath: '/mnt/train', subPath: 'datasets/train', readOnly: true },
          { name: 'bucket', mountPath: '/mnt/oss', subPath: 'run-42', readOnly: false },
        ],
      }),
      container('sidecar', {
        args: undefined,
        resource: { cpuMillis: 1000, memoryBytes: 64 * MI, ephemeralStorageBytes: 64 * MI },
        tmpfs: [{ mountPath: '/tmp', options: 'size=1g' }],
        volumeMounts: [
          { name: 'scratch', mountPath: '/srv/runtime', readOnly: true },
          { name: 'cache', mountPath: '/cache', readOnly: false },
          { name: 'outputs', mountPath: '/out', subPath: 'run-42', readOnly: false },
          { name: 'bucket', mountPath: '/mnt/oss-all', readOnly: true },
        ],
      }),
    ],
  });
}
