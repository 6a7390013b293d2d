import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, SbxError, SbxErrors } from '../../../src/errors.js';
import type { LoadResult } from '../../../src/manifest/model.js';
import { validate as schemaValidate } from '../../../src/manifest/generated/validate-schema.js';
import { loadText } from './helpers.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const nameChars = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split(''), '-', '_', '.');
const name = fc
  .tuple(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split('')), fc.array(nameChars, { maxLength: 12 }))
  .map(([h, t]) => h + t.join(''))
  .filter((n) => !n.includes('..'));
const cpu = fc.constantFrom('100m', '0.5', '1', '2', 0.25, 1, '250m', '1500m');
const bytes = fc.constantFrom('64Mi', '128Mi', '1Gi', '256M', '1G', 134217728, '1e8', '512Mi');
const pathPart = fc.constantFrom('data', 'a', 'b-c', 'x_y', 'run-42');

const backend = fc.oneof(
  bytes.map((b) => ({ ephemeral_storage: b })),
  fc.record({ claim_name: name.filter((n) => n.length >= 2), create: fc.boolean() }).map((pvc) => ({ pvc })),
  fc.array(pathPart, { minLength: 1, maxLength: 3 }).map((p) => ({ host: { path: '/' + p.join('/') } })),
  fc
    .record({ bucket: fc.constantFrom('my-bucket', 'data01', 'abc'), version: fc.constantFrom('1.0', '2.0'), path: fc.constantFrom('/', 'a/b', '/team/') })
    .map((o) => ({ ossfs: { ...o, endpoint: 'oss-cn-hangzhou.aliyuncs.com', options: ['umask=0022'] } })),
);

/** Generates manifests that satisfy every rule. */
const validManifest = fc
  .record({
    id: name,
    egress: fc.boolean(),
    ttl: fc.nat({ max: 100000 }),
    volumes: fc.uniqueArray(fc.record({ name, backend }), { maxLength: 4, selector: (v) => v.name }),
    containers: fc.uniqueArray(fc.record({ name, cpu, memory: bytes, ro: fc.boolean(), args: fc.array(fc.string(), { maxLength: 3 }) }), {
      minLength: 1,
      maxLength: 3,
      selector: (c) => c.name,
    }),
    mountMask: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
    ports: fc.uniqueArray(fc.integer({ min: 1, max: 65535 }), { maxLength: 3 }),
  })
  .map((m) => ({
    apiVersion: 'sandboxd.o/v1',
    kind: 'Sandbox',
    id: m.id,
    spec: {
      egress: m.egress,
      ttl_seconds: m.ttl,
      ports: m.ports.map((p) => ({ container_port: p })),
      volumes: m.volumes.map((v) => ({ name: v.name, ...v.backend })),
      containers: m.containers.map((c, ci) => ({
        name: c.name,
        image: 'alpine:3.20',
        args: c.args,
        resource: { cpu: c.cpu, memory: c.memory },
        read_only: c.ro,
        volume_mounts: m.volumes
          .map((v, vi) => ({ v, vi }))
          .filter(({ vi }) => m.mountMask[(ci * 4 + vi) % 12])
          .map(({ v, vi }) => ({ name: v.name, mount_path: `/mnt/v${vi}`, read_only: c.ro })),
      })),
    },
  })) as fc.Arbitrary<{ [k: string]: Json }>;

const weirdString = fc.oneof(
  fc.string(),
  fc.constantFrom('', '/', '..', '../x', '/tmp', '/tmp/x', 'a:b', 'a,b', '\0', '\n', '128m', '-1', '0', '1e999', 'x'.repeat(300), 'subPath', '${HOME}', '`id`', '~', 'null', '*a'),
);
const weirdValue: fc.Arbitrary<Json> = fc.oneof(
  weirdString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(weirdString, { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('name', 'mount_path', 'subPath', 'x', 'pvc', 'host', 'cpu'), weirdString, { maxKeys: 3 }),
);

/** Path of every node in a JSON value. */
function nodePaths(v: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...nodePaths(x, [...prefix, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...nodePaths(x, [...prefix, k]));
  return out;
}

type Mutation = { kind: 'set' | 'delete' | 'add'; pick: number; value: Json; key: string };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('set', 'delete', 'add'),
  pick: fc.nat(),
  value: weirdValue,
  key: fc.oneof(fc.constantFrom('subPath', 'mountPath', 'zzz', 'name', 'sub_path', 'tmpfs', 'ossfs', 'host', 'args'), fc.string({ maxLength: 8 })),
});

function mutate(doc: { [k: string]: Json }, muts: Mutation[]): Json {
  let root: Json = structuredClone(doc);
  for (const m of muts) {
    const paths = nodePaths(root);
    const path = paths[m.pick % paths.length];
    if (path.length === 0) {
      if (m.kind === 'set') root = m.value;
      continue;
    }
    let parent: any = root;
    for (const seg of path.slice(0, -1)) parent = parent[seg];
    const last = path[path.length - 1];
    if (m.kind === 'set') parent[last] = m.value;
    else if (m.kind === 'delete') Array.isArray(parent) ? parent.splice(Number(last), 1) : delete parent[last];
    else if (parent[last] && typeof parent[last] === 'object' && !Array.isArray(parent[last])) parent[last][m.key] = m.value;
  }
  return root;
}

const CODES = new Set<string>(ERROR_CODES);

/** Either a result or SbxErrors whose every error is a well-formed invalid-input error. */
async function loadChecked(text: string): Promise<LoadResult | SbxErrors> {
  try {
    return await loadText(text);
  } catch (err) {
    // Plain checks: vitest's expect() is too slow for thousands of runs.
    if (!(err instanceof SbxErrors)) throw new Error(`threw ${String(err)}`);
    if (err.exitCode !== 2 || err.errors.length === 0) throw new Error(`bad SbxErrors: exit ${err.exitCode}, ${err.errors.length} errors`);
    for (const e of err.errors) {
      if (e.message.startsWith('internal error')) throw new Error(`loader bug: ${String((e as Error).cause)}`);
      if (!(e instanceof SbxError) || !CODES.has(e.code) || e.exitCode !== 2 || e.message.length === 0) {
        throw new Error(`malformed error: ${JSON.stringify(e)}`);
      }
    }
    return err;
  }
}

// 2000 + 4500 + 2500 + 1000 = 10,000 generated, mutated or random manifests.
describe('property: the loader', () => {
  it('loads every valid generated manifest', async () => {
    await fc.assert(
      fc.asyncProperty(validManifest, async (doc) => {
        const r = await loadChecked(stringify(doc));
        if (r instanceof SbxErrors) throw new Error(r.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
        expect(r.sandboxes[0].id).toBe(doc.id);
        expect(r.sandboxes[0].containers).toHaveLength((doc.spec as any).containers.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects mutated manifests only with SbxErrors, each positioned', async () => {
    await fc.assert(
      fc.asyncProperty(validManifest, fc.array(mutation, { minLength: 1, maxLength: 3 }), async (doc, muts) => {
        const mutated = mutate(doc, muts);
        const r = await loadChecked(stringify(mutated));
        // Nothing the schema rejects may be accepted (e.g. lost in de-duplication).
        if (!(r instanceof SbxErrors) && !(schemaValidate as (d: unknown) => boolean)(JSON.parse(JSON.stringify(mutated)))) {
          throw new Error(`accepted a document the schema rejects: ${JSON.stringify(mutated)}`);
        }
        if (r instanceof SbxErrors) {
          for (const e of r.errors) {
            if (e.message !== 'no Sandbox documents found' && !(e.line! > 0)) throw new Error(`no line for ${e.message}`);
          }
        }
      }),
      { numRuns: 4500 },
    );
  });

  it('survives arbitrary text and broken YAML', async () => {
    const yamlish = fc
      .array(fc.constantFrom('a', ':', ' ', '\n', '- ', '&x ', '*x', '!!str ', '!t ', '{', '}', '[', ']', ',', '"', "'", '#', '---\n', '? ', '|', '>', '\t', '0x1F', '1e999', '~', 'id', 'spec', 'containers'), { maxLength: 60 })
      .map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }), yamlish), async (text) => {
        await loadChecked(text);
      }),
      { numRuns: 2500 },
    );
  });

  it('never echoes an inline credential', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), async (before, after) => {
        const secret = `${before}S3CR3TMARK${after}`;
        const doc = {
          apiVersion: 'sandboxd.o/v1',
          kind: 'Sandbox',
          id: 'creds',
          spec: {
            volumes: [{ name: 'b', ossfs: { bucket: 'my-bucket', endpoint: 'oss.example.com', access_key_id: 'id', access_key_secret: secret } }],
            containers: [{ name: 'c', image: 'alpine:3.20', resource: { cpu: 1, memory: '64Mi' }, volume_mounts: [{ name: 'b', mount_path: '/oss' }] }],
          },
        };
        const r = await loadChecked(stringify(doc));
        const shown = r instanceof SbxErrors ? JSON.stringify(r.errors.map((e) => [e.message, e.hint, e.path])) : JSON.stringify(r);
        if (shown.includes('S3CR3TMARK')) throw new Error(`credential shown: ${shown}`);
      }),
      { numRuns: 1000 },
    );
  });
});
