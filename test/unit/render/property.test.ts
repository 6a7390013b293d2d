import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Container, Sandbox, Volume, VolumeMount } from '../../../src/manifest/model.js';
import { container, sandbox } from './fixtures.js';
import { render } from './helpers.js';
import { validateApiRules, validateObject } from './validate.js';

const MI = 1024 * 1024;
const first = fc.constantFrom(...'AZaz09'.split(''), 'b', 'Q', '7');
const rest = fc.string({ unit: fc.constantFrom(...'aZ9_.-'.split('')), maxLength: 70 });
/** sbx's id/name charset: [A-Za-z0-9][A-Za-z0-9_.-]*, no "..". */
const sbxName = (max: number) => fc.tuple(first, rest).map(([a, b]) => `${a}${b}`.slice(0, max)).filter((s) => !s.includes('..'));

const volumeArb: fc.Arbitrary<Omit<Volume, 'name'>> = fc.oneof(
  fc.record({ kind: fc.constant('tmpfs' as const), sizeBytes: fc.integer({ min: 1, max: 4096 }).map((n) => n * MI) }),
  fc.record({ kind: fc.constant('pvc' as const), claimName: sbxName(60), create: fc.boolean() }),
  fc.record({ kind: fc.constant('host' as const), path: fc.constantFrom('/srv/a', '/srv/b/c') }),
  fc.record({
    kind: fc.constant('ossfs' as const), bucket: fc.constant('bkt'), endpoint: fc.constant('https://oss.example.com'),
    prefix: fc.constantFrom('', 'p', 'p/q'), version: fc.constantFrom('1.0' as const, '2.0' as const), options: fc.constant([]),
  }),
);

const sandboxArb: fc.Arbitrary<Sandbox> = fc
  .record({
    id: sbxName(128),
    labels: fc.dictionary(fc.string({ maxLength: 80 }), fc.string({ maxLength: 80 }), { maxKeys: 3 }),
    egress: fc.boolean(),
    volumes: fc.uniqueArray(fc.tuple(sbxName(64), volumeArb), { selector: ([n]) => n, maxLength: 4 }),
    containers: fc.uniqueArray(sbxName(64), { minLength: 1, maxLength: 3 }),
    mounts: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.option(fc.constantFrom('a', 'a/b', 'x_y'), { nil: undefined }), fc.boolean()), { maxLength: 6 }),
    ownTmp: fc.boolean(),
  })
  .map(({ id, labels, egress, volumes, containers, mounts, ownTmp }) => {
    const vols = volumes.map(([name, v]) => ({ ...v, name }) as Volume);
    const cs: Container[] = containers.map((name, i) =>
      container(name, { tmpfs: ownTmp && i === 0 ? [{ mountPath: '/tmp', options: 'size=8m' }] : [] }),
    );
    mounts.forEach(([v, c, subPath, readOnly], i) => {
      if (!vols.length) return;
      const vol = vols[v % vols.length];
      const vm: VolumeMount = { name: vol.name, mountPath: `/mnt/m${i}`, subPath: vol.kind === 'tmpfs' ? undefined : subPath, readOnly };
      cs[c % cs.length].volumeMounts.push(vm);
    });
    return sandbox({ id, labels, egress, volumes: vols, containers: cs });
  });

describe('generated sandboxes', () => {
  test('always render to objects the Kubernetes API accepts', () => {
    fc.assert(
      fc.property(fc.array(sandboxArb, { minLength: 1, maxLength: 3 }), (sandboxes) => {
        const ids = sandboxes.map((s) => s.id);
        fc.pre(new Set(ids).size === ids.length);
        const r = render(sandboxes);
        for (const o of r.objects) {
          validateObject(o);
          validateApiRules(o);
        }
        expect(r.objects.filter((o) => o.kind === 'Pod')).toHaveLength(sandboxes.length);
      }),
      { numRuns: 300 },
    );
  });
});
