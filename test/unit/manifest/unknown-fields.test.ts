import { describe, expect, it } from 'vitest';
import { suggestKey } from '../../../src/manifest/did-you-mean.js';
import { BASE, edit, expectOneError, lineOf } from './helpers.js';

describe('unknown keys are UNKNOWN_FIELD errors with a did-you-mean hint', () => {
  const cases: [string, string, string, string][] = [
    // [from, to, expected path, expected hint]
    ['sub_path: train', 'subPath: train', 'spec.containers[0].volume_mounts[1].subPath', 'did you mean sub_path?'],
    ['mount_path: /mnt/data', 'mount_path: /mnt/data\n          readOnly: true', 'spec.containers[0].volume_mounts[1].readOnly', 'did you mean read_only?'],
    ['pvc: {claim_name: team-data}', 'pvc: {claim_name: team-data, createIfNotExists: true}', 'spec.volumes[1].pvc.createIfNotExists', 'did you mean create?'],
    ['{container_port: 80, protocol: tcp}', '{container_port: 80, protocol: tcp, hostPort: 8080}', 'spec.ports[0].hostPort', 'did you mean host_port?'],
    ['env: ["A=1"]', 'env: ["A=1"]\n      workingDir: /app', 'spec.containers[0].workingDir', 'did you mean work_dir?'],
    ['env: ["A=1"]', 'env: ["A=1"]\n      command: [sh]', 'spec.containers[0].command', 'did you mean args?'],
    ['ttl_seconds: 60', 'ttlSeconds: 60', 'spec.ttlSeconds', 'did you mean ttl_seconds?'],
    ['egress: false', 'egres: false', 'spec.egres', 'did you mean egress?'],
    ['image: alpine:3.20\n      env', 'imag: alpine:3.20\n      image: alpine:3.20\n      env', 'spec.containers[0].imag', 'did you mean image?'],
    ['id: demo', 'id: demo\nmetdata: {}', 'metdata', 'did you mean metadata?'],
  ];
  for (const [from, to, path, hint] of cases) {
    it(path.split('.').pop()!, async () => {
      const text = edit(BASE, from, to);
      const key = path.split('.').pop()!;
      const e = await expectOneError(text, { code: 'UNKNOWN_FIELD', path, line: lineOf(text, `${key}:`), message: new RegExp(`unknown field "${key}"`) });
      expect(e.hint).toBe(hint);
      expect(e.exitCode).toBe(2);
    });
  }

  it('points at the key, not the value', async () => {
    const text = edit(BASE, 'sub_path: train', 'subPath: train');
    const e = await expectOneError(text, { code: 'UNKNOWN_FIELD', path: 'spec.containers[0].volume_mounts[1].subPath', line: lineOf(text, 'subPath') });
    expect(e.column).toBe(text.split('\n')[lineOf(text, 'subPath') - 1].indexOf('subPath') + 1);
  });

  // Names of Object.prototype members once reached the hint tables' prototype and crashed the loader.
  it.each(['valueOf', 'constructor', 'toString', 'hasOwnProperty'])('an unknown key named %s is an ordinary UNKNOWN_FIELD', async (key) => {
    const text = edit(BASE, 'egress: false', `egress: false\n  ${key}: 1`);
    const e = await expectOneError(text, { code: 'UNKNOWN_FIELD', path: `spec.${key}`, line: lineOf(text, `${key}:`) });
    expect(e.exitCode).toBe(2);
  });

  it('lists the allowed keys when nothing is close', async () => {
    const text = edit(BASE, 'egress: false', 'zzzzzzzzzz: false');
    const e = await expectOneError(text, { code: 'UNKNOWN_FIELD', path: 'spec.zzzzzzzzzz', line: lineOf(text, 'zzzz') });
    expect(e.hint).toMatch(/^allowed here: egress, ttl_seconds/);
  });
});

describe('suggestKey', () => {
  it.each([
    ['mountPath', ['name', 'mount_path', 'sub_path', 'read_only'], 'mount_path'],
    ['persistentVolumeClaim', ['name', 'ephemeral_storage', 'pvc', 'host', 'ossfs'], 'pvc'],
    ['hostPath', ['name', 'ephemeral_storage', 'pvc', 'host', 'ossfs'], 'host'],
    ['emptyDir', ['name', 'ephemeral_storage', 'pvc', 'host', 'ossfs'], 'ephemeral_storage'],
    ['resources', ['name', 'image', 'resource'], 'resource'],
    ['accessKeyId', ['bucket', 'access_key_id', 'access_key_secret'], 'access_key_id'],
    ['claimName', ['claim_name', 'create'], 'claim_name'],
    ['containerPort', ['container_port', 'protocol', 'host_port'], 'container_port'],
    ['readinessProbe', ['egress', 'readiness_probe', 'containers'], 'readiness_probe'],
    ['volumeMounts', ['name', 'volume_mounts'], 'volume_mounts'],
    ['workDir', ['work_dir'], 'work_dir'],
    ['SUB_PATH', ['sub_path'], 'sub_path'],
    ['totally-different', ['sub_path'], undefined],
    ['x', ['id', 'kind'], undefined],
    ['memory', ['name', 'image', 'resource'], 'resource.memory'],
    ['labels', ['apiVersion', 'kind', 'id', 'metadata', 'spec'], 'metadata.labels'],
    ['bucket', ['name', 'ephemeral_storage', 'pvc', 'host', 'ossfs'], 'ossfs.bucket'],
    ['idd', ['id', 'kind'], 'id'],
    ['command', ['name'], undefined],
  ] as const)('%s → %s', (key, allowed, want) => expect(suggestKey(key, allowed)).toBe(want));
});
