import { describe, expect, test } from 'vitest';
import type { IPod } from 'kubernetes-models/v1';
import { container, everything, sandbox } from './fixtures.js';
import { pod, render } from './helpers.js';
import { validateApiRules, validateObject } from './validate.js';

const cases = {
  minimal: [sandbox()],
  everything: [everything()],
  'odd names': [
    sandbox({
      id: 'Odd_Name.-x-',
      labels: { 'not a key!': 'x', ok: 'value with spaces' },
      containers: [container('Web_1'), container('web-1')],
    }),
  ],
  'egress false with ports': [sandbox({ ports: [{ containerPort: 80, protocol: 'tcp', hostPort: 8080 }] })],
  'SYS_ADMIN': [sandbox({ containers: [container('app', { capAdd: ['SYS_ADMIN'] })] })],
  'name collisions': [
    sandbox({
      id: 'x'.repeat(128),
      volumes: [
        { kind: 'tmpfs', name: 'Data', sizeBytes: 1 << 20 },
        { kind: 'tmpfs', name: 'data', sizeBytes: 1 << 20 },
        { kind: 'tmpfs', name: 'app-tmp', sizeBytes: 1 << 20 },
      ],
      containers: [container('app', { volumeMounts: [{ name: 'Data', mountPath: '/a', readOnly: false }, { name: 'data', mountPath: '/b', readOnly: false }] })],
    }),
  ],
  'several sandboxes': [sandbox({ id: 'a' }), sandbox({ id: 'b', egress: true })],
};

describe('every emitted object is valid for the Kubernetes API schema', () => {
  for (const [name, sandboxes] of Object.entries(cases)) {
    test(name, () => {
      const r = render(sandboxes, { secretsFromEnv: true, env: { OSS_ACCESS_KEY_ID: 'id', OSS_ACCESS_KEY_SECRET: 'secret' } });
      expect(r.objects.length).toBeGreaterThan(0);
      for (const o of r.objects) {
        expect(() => validateObject(o), `${o.kind}/${o.metadata?.name}`).not.toThrow();
        expect(() => validateApiRules(o), `${o.kind}/${o.metadata?.name}`).not.toThrow();
      }
    });
  }
});

describe('the schema check can fail', () => {
  test('a container port that is not a number is rejected', () => {
    const p = structuredClone(pod(render([sandbox()])));
    (p.spec!.containers[0] as { ports?: unknown }).ports = [{ containerPort: 'eighty' }];
    expect(() => validateObject(p)).toThrow(/containerPort/);
  });

  test('a container without a name is rejected', () => {
    const p = structuredClone(pod(render([sandbox()]))) as IPod;
    delete (p.spec!.containers[0] as { name?: string }).name;
    expect(() => validateObject(p)).toThrow(/name/);
  });

  test('the API rule check rejects an unresolvable mount', () => {
    const p = structuredClone(pod(render([sandbox()])));
    p.spec!.containers[0].volumeMounts!.push({ name: 'nowhere', mountPath: '/nowhere' });
    expect(() => validateApiRules(p)).toThrow(/names no volume/);
  });
});
