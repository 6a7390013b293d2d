import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, sbx } from '../../helpers/cli.js';
import { BASE, edit, lineOf } from './helpers.js';

/** `sbx validate` through the real binary (needs `npm run build`). */
const dir = mkdtempSync(join(tmpdir(), 'sbx-validate-'));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
const NO_DOCKER = { SBX_DOCKER: '/nonexistent', DOCKER_HOST: 'unix:///nonexistent.sock' };

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run npm run build first');
});

describe('sbx validate', () => {
  it('prints one line per valid sandbox and exits 0, without Docker', async () => {
    const file = write('two.yaml', `${BASE}---\n${edit(BASE, 'id: demo', 'id: second')}`);
    const r = await sbx(['validate', '-f', file], { env: NO_DOCKER });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      `${file}: sandbox demo is valid (2 container(s), 2 volume(s))`,
      `${file}: sandbox second is valid (2 container(s), 2 volume(s))`,
    ]);
  });

  it('prints file:line:col  path  error[CODE]: message per problem and exits 2', async () => {
    const text = edit(edit(BASE, 'sub_path: train', 'subPath: train'), 'memory: 128Mi}', 'memory: 128m}');
    const file = write('bad.yaml', text);
    const r = await sbx(['validate', '-f', file], { env: NO_DOCKER });
    expect(r.exitCode).toBe(2);
    const lines = r.stderr.trim().split('\n');
    const memoryLine = lineOf(text, 'memory: 128m');
    const memoryCol = text.split('\n')[memoryLine - 1].indexOf('128m') + 1;
    expect(lines).toEqual([
      `${file}:${memoryLine}:${memoryCol}  spec.containers[0].resource.memory  error[MANIFEST_INVALID]: invalid memory for container app: "128m" means millibytes (the "m" suffix is milli, not mega); did you mean 128Mi?`,
      `${file}:${lineOf(text, 'subPath')}:11  spec.containers[0].volume_mounts[1].subPath  error[UNKNOWN_FIELD]: unknown field "subPath" (did you mean sub_path?)`,
    ]);
    expect(r.stdout).toBe('');
  });

  it('-o json gives a stable shape for both outcomes, errors the one every command uses', async () => {
    const good = await sbx(['-o', 'json', 'validate', '-f', write('good.yaml', BASE)], { env: NO_DOCKER });
    expect(good.exitCode).toBe(0);
    expect(JSON.parse(good.stdout)).toEqual({
      valid: true,
      sandboxes: [{ id: 'demo', file: join(dir, 'good.yaml'), containers: 2, volumes: 2 }],
      warnings: [],
    });
    const badFile = write('bad-json.yaml', edit(BASE, 'id: demo', 'id: ../demo'));
    const bad = await sbx(['-o', 'json', 'validate', '-f', badFile], { env: NO_DOCKER });
    expect(bad.exitCode).toBe(2);
    // The same {"error": ...} object as every other command's errors.
    expect(JSON.parse(bad.stdout)).toEqual({
      error: { code: 'MANIFEST_INVALID', message: 'id contains invalid path characters', hint: 'no "/", "\\" or ".."', path: 'id', file: badFile, line: 3, column: 5 },
    });
    expect(bad.stderr.trim()).toBe(`${badFile}:3:5  id  error[MANIFEST_INVALID]: id contains invalid path characters (no "/", "\\" or "..")`);
  });

  it('reads stdin with -f - and reports warnings on stderr', async () => {
    const text = edit(BASE, 'pvc: {claim_name: team-data}', 'ossfs: {bucket: my-bucket, endpoint: oss.example.com, access_key_id: KEYID, access_key_secret: TOPSECRET}');
    const r = await sbx(['validate', '-f', '-'], { input: text, env: NO_DOCKER });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('-: sandbox demo is valid');
    expect(r.stderr).toMatch(/inline OSS credentials/);
    expect(r.stdout + r.stderr).not.toMatch(/TOPSECRET|KEYID/);
  });

  it('reports a missing file with exit 2', async () => {
    const r = await sbx(['validate', '-f', join(dir, 'nope.yaml')], { env: NO_DOCKER });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('error[MANIFEST_INVALID]: cannot read manifest: no such file or directory');
  });

  it('validates the shipped examples', async () => {
    const r = await sbx(['validate', '-f', join(ROOT, 'manifests')], { env: NO_DOCKER });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('sandbox shared-volume-demo is valid (2 container(s), 1 volume(s))');
  });
});

describe('cold start', () => {
  it('loading a valid manifest compiles no schema and loads no ajv or Levenshtein code', async () => {
    const { execa } = await import('execa');
    const script = `
      import { createRequire } from 'node:module';
      const { loadManifests } = await import(${JSON.stringify(join(ROOT, 'dist/manifest/load.js'))});
      await loadManifests([${JSON.stringify(join(ROOT, 'manifests/shared-volume.yaml'))}]);
      console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));`;
    const r = await execa(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT });
    const loaded = JSON.parse(r.stdout) as string[];
    expect(loaded.some((f) => f.includes('/node_modules/yaml/'))).toBe(true);
    expect(loaded.filter((f) => /\/node_modules\/(ajv|fastest-levenshtein|fast-uri|json-schema-traverse)\//.test(f))).toEqual([]);
  });
});
