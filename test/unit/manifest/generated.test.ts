import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../../../src/manifest/load.js';
import { generate as generateValidator } from '../../../scripts/compile-schema.mjs';
import { generate as generateReference } from '../../../scripts/gen-manifest-reference.mjs';
import { ROOT } from '../../helpers/cli.js';

type SchemaNode = { $ref?: string; description?: string; type?: string | string[]; properties?: Record<string, SchemaNode>; items?: SchemaNode; additionalProperties?: unknown };
const schema = JSON.parse(readFileSync(join(ROOT, 'schemas/sandbox.schema.json'), 'utf8')) as SchemaNode & { definitions: Record<string, SchemaNode> };
const resolve = (s: SchemaNode): SchemaNode => (s.$ref ? schema.definitions[s.$ref.replace('#/definitions/', '')] : s);

/** Every property path of the schema, e.g. spec.containers[].volume_mounts[].sub_path, with its node. */
function schemaPaths(node: SchemaNode = schema, prefix = ''): [string, SchemaNode][] {
  const out: [string, SchemaNode][] = [];
  for (const [key, prop] of Object.entries(resolve(node).properties ?? {})) {
    const p = resolve(prop);
    const path = prefix ? `${prefix}.${key}` : key;
    out.push([path, p]);
    if (p.properties) out.push(...schemaPaths(p, path));
    if (p.type === 'array' && p.items && resolve(p.items).properties) out.push(...schemaPaths(p.items, `${path}[]`));
  }
  return out;
}

function dataPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => dataPaths(v, `${prefix}[]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    return prefix.endsWith('labels') ? [] : [path, ...dataPaths(v, path)];
  });
}

describe('generated files are up to date with the schema', () => {
  it('the precompiled validator matches schemas/sandbox.schema.json', () => {
    const committed = readFileSync(join(ROOT, 'src/manifest/generated/validate-schema.ts'), 'utf8');
    expect(committed === generateValidator(), 'stale: run node scripts/compile-schema.mjs').toBe(true);
  });
  it('docs/manifest-reference.md matches the schema', () => {
    const committed = readFileSync(join(ROOT, 'docs/manifest-reference.md'), 'utf8');
    expect(committed === generateReference(), 'stale: run node scripts/gen-manifest-reference.mjs').toBe(true);
  });
});

describe('the schema', () => {
  it('describes every property and forbids unknown keys in every object', () => {
    for (const [path, node] of schemaPaths()) {
      expect(node.description, path).toBeTruthy();
      if (node.properties) expect(node.additionalProperties, path).toBe(false);
    }
  });
  it('manifests/everything.yaml uses every key of the schema (except inline credentials)', () => {
    const used = new Set(dataPaths(parse(readFileSync(join(ROOT, 'manifests/everything.yaml'), 'utf8'))));
    const missing = schemaPaths()
      .map(([p]) => p)
      .filter((p) => !used.has(p) && !/access_key_(id|secret)$/.test(p));
    expect(missing).toEqual([]);
  });
});

describe('manifests/', () => {
  const files = readdirSync(join(ROOT, 'manifests')).filter((f) => /\.ya?ml$/.test(f));
  it('has the shared-volume and everything examples', () => {
    expect(files).toEqual(expect.arrayContaining(['shared-volume.yaml', 'everything.yaml']));
  });
  for (const f of files) {
    it(`${f} validates`, async () => {
      const { sandboxes } = await loadManifests([join(ROOT, 'manifests', f)]);
      expect(sandboxes.length).toBeGreaterThan(0);
    });
  }
});
