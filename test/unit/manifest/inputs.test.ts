import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SbxErrors } from '../../../src/errors.js';
import { loadManifests } from '../../../src/manifest/load.js';
import { BASE, edit, errorsOf, loadText } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sbx-manifest-'));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
const named = (id: string) => edit(BASE, 'id: demo', `id: ${id}`);

async function rejection(p: Promise<unknown>): Promise<SbxErrors> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(SbxErrors);
    return err as SbxErrors;
  }
  throw new Error('expected a rejection');
}

describe('inputs', () => {
  it('reads several documents of one file, skipping empty ones', async () => {
    const file = write('multi.yaml', `${named('one')}---\n# only a comment\n---\n${named('two')}`);
    const { sandboxes } = await loadManifests([file]);
    expect(sandboxes.map((s) => [s.id, s.source.document, s.source.line])).toEqual([
      ['one', 0, 1],
      ['two', 2, BASE.split('\n').length + 3],
    ]);
    expect(sandboxes[1].source.file).toBe(file);
  });

  it('reads every *.yaml and *.yml of a directory, sorted, and nothing else', async () => {
    const d = join(dir, 'dir');
    mkdirSync(d);
    writeFileSync(join(d, 'b.yml'), named('bee'));
    writeFileSync(join(d, 'a.yaml'), named('ay'));
    writeFileSync(join(d, 'notes.txt'), 'not yaml: [');
    const { sandboxes } = await loadManifests([d]);
    expect(sandboxes.map((s) => s.id)).toEqual(['ay', 'bee']);
  });

  it('reads stdin for "-"', async () => {
    const { sandboxes } = await loadManifests(['-'], { stdin: Readable.from([named('piped')]) });
    expect(sandboxes[0].id).toBe('piped');
    expect(sandboxes[0].source.file).toBe('-');
  });

  it('reports problems of all files at once, missing files included', async () => {
    const bad = write('bad.yaml', edit(BASE, 'sub_path: train', 'subPath: train'));
    const err = await rejection(loadManifests([join(dir, 'missing.yaml'), bad, write('syntax.yaml', 'a: [\n')]));
    expect(err.errors.map((e) => [e.code, e.file])).toEqual([
      ['MANIFEST_INVALID', join(dir, 'missing.yaml')],
      ['UNKNOWN_FIELD', bad],
      ['MANIFEST_INVALID', join(dir, 'syntax.yaml')],
    ]);
    expect(err.errors[0].message).toBe('cannot read manifest: no such file or directory');
    expect(err.exitCode).toBe(2);
  });

  it('rejects duplicate sandbox ids across inputs', async () => {
    const a = write('dup-a.yaml', named('same'));
    const b = write('dup-b.yaml', named('same'));
    const err = await rejection(loadManifests([a, b]));
    expect(err.errors).toHaveLength(1);
    expect(err.errors[0]).toMatchObject({ code: 'MANIFEST_INVALID', file: b, line: 3, column: 5, path: 'id' });
    expect(err.errors[0].message).toBe(`duplicate sandbox id same (first defined at ${a}:3)`);
  });

  it('rejects an empty directory, an empty file and no inputs', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect((await rejection(loadManifests([empty]))).errors[0].message).toMatch(/no \*\.yaml/);
    expect((await rejection(loadManifests([write('empty.yaml', '# nothing\n')]))).errors[0].message).toBe('no Sandbox documents found');
    expect((await rejection(loadManifests([]))).errors[0].code).toBe('USAGE');
  });
});

describe('YAML edge cases never escape as anything but SbxErrors', () => {
  it('syntax errors carry line and column', async () => {
    const errors = await errorsOf('apiVersion: sandboxd.o/v1\nkind: Sandbox\nid: x\nspec: {containers: [\n');
    expect(errors[0].message).toMatch(/^YAML syntax error: /);
    expect(errors[0].line).toBeGreaterThanOrEqual(4);
    expect(errors[0].column).toBeGreaterThan(0);
  });
  it('duplicate keys', async () => {
    const errors = await errorsOf(edit(BASE, 'id: demo', 'id: demo\nid: other'));
    expect(errors[0].message).toMatch(/unique/);
    expect(errors[0].line).toBe(4);
  });
  it('non-mapping documents', async () => {
    for (const text of ['- a\n- b\n', 'just a string\n', '42\n']) {
      const errors = await errorsOf(text);
      expect(errors[0].message).toMatch(/must be a mapping/);
    }
  });
  it('anchors and aliases are resolved', async () => {
    const text = edit(BASE, 'resource: {cpu: "1", memory: 64Mi}', 'resource: *res').replace('resource: {cpu: 500m, memory: 128Mi}', 'resource: &res {cpu: 500m, memory: 128Mi}');
    const { sandboxes } = await loadText(text);
    expect(sandboxes[0].containers[1].resource.cpuMillis).toBe(500);
  });
  it('an alias bomb is rejected', async () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) bomb.push(`a${i}: &a${i} [${Array(9).fill(i === 1 ? '*a' : `*a${i - 1}`).join(',')}]`);
    const errors = await errorsOf(bomb.join('\n') + '\n');
    expect(errors[0].code).toBe('MANIFEST_INVALID');
  });
  it('unknown tags, binary junk, huge numbers, odd keys', async () => {
    for (const text of [
      '!!binary aGVsbG8=\n',
      edit(BASE, 'ttl_seconds: 60', 'ttl_seconds: !custom 60'),
      edit(BASE, 'ttl_seconds: 60', 'ttl_seconds: 1e999'),
      edit(BASE, 'ttl_seconds: 60', 'ttl_seconds: 123456789012345678901234567890'),
      edit(BASE, 'egress: false', '? [a, b]\n  : c'),
      edit(BASE, 'egress: false', '__proto__: {polluted: true}'),
      '\u0000\u0001\u0002\xff\xfe garbage',
      Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x0a, 0x3a, 0x20]).toString('latin1'),
      '%YAML 1.1\n---\nkey: value\n',
      '*unknown\n',
    ]) {
      const errors = await errorsOf(text);
      expect(errors.length).toBeGreaterThan(0);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('credentials', () => {
  const SECRET = 'SuperSecretValue123';
  const withCreds = edit(
    BASE,
    'pvc: {claim_name: team-data}',
    `ossfs:\n        bucket: my-bucket\n        endpoint: oss-cn-hangzhou.aliyuncs.com/\n        path: /team-a/\n        access_key_id: LTAIkeyid\n        access_key_secret: ${SECRET}`,
  );

  it('inline credentials load with a warning and never reach the manifest copy', async () => {
    const { sandboxes, warnings } = await loadText(withCreds);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ file: '-', path: 'spec.volumes[1].ossfs.access_key_id', line: lineOfText(withCreds, 'access_key_id') });
    const v = sandboxes[0].volumes[1];
    expect(v).toMatchObject({ kind: 'ossfs', bucket: 'my-bucket', endpoint: 'https://oss-cn-hangzhou.aliyuncs.com', prefix: 'team-a', version: '2.0', options: [] });
    if (v.kind !== 'ossfs') throw new Error('not ossfs');
    expect(v.accessKeySecret?.reveal()).toBe(SECRET);
    expect(JSON.stringify(sandboxes[0])).not.toContain(SECRET);
    expect(JSON.stringify(sandboxes[0].manifest)).not.toContain('LTAIkeyid');
  });

  it('bad credentials are rejected without echoing them', async () => {
    for (const bad of ['"abc:def"', '"abc\\ndef"', '42', '[a]']) {
      const text = withCreds.replace(SECRET, bad);
      const errors = await errorsOf(text);
      expect(errors).toHaveLength(1);
      expect(errors[0].path).toBe('spec.volumes[1].ossfs.access_key_secret');
      expect(JSON.stringify(errors)).not.toMatch(/abc|def/);
    }
  });

  it('a YAML error on a credential line does not quote the line', async () => {
    const errors = await errorsOf(withCreds.replace(SECRET, `${SECRET}: x: y`));
    expect(JSON.stringify(errors.map((e) => [e.message, e.hint]))).not.toContain(SECRET);
  });
});

function lineOfText(text: string, needle: string): number {
  return text.split('\n').findIndex((l) => l.includes(needle)) + 1;
}
