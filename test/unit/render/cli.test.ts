import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ROOT, sbx } from '../../helpers/cli.js';

// Runs the built CLI (dist/): `npm run test:unit` builds first.
describe('sbx render (CLI)', () => {
  test('the CLI is built', () => {
    expect(existsSync(path.join(ROOT, 'dist/render/kubernetes.js')), 'run npm run build').toBe(true);
  });

  test('prints multi-document YAML on stdout and the notes on stderr', async () => {
    const r = await sbx(['render', '-f', 'manifests/shared-volume.yaml', '--target', 'kubernetes']);
    expect(r.exitCode, r.stderr).toBe(0);
    const kinds = parseAllDocuments(r.stdout).map((d) => d.toJS().kind);
    expect(kinds).toEqual(['NetworkPolicy', 'Pod']);
    expect(r.stderr).toMatch(/note: shared-volume-demo spec\.egress/);
  });

  // -o is a global option; users write it before or after the subcommand.
  for (const args of [
    ['-o', 'json', 'render', '-f', 'manifests/shared-volume.yaml', '--target', 'kubernetes'],
    ['render', '-f', 'manifests/shared-volume.yaml', '--target', 'kubernetes', '-o', 'json'],
  ]) {
    test(`sbx ${args.join(' ')} prints a List`, async () => {
      const r = await sbx(args);
      expect(r.exitCode, r.stderr).toBe(0);
      const list = JSON.parse(r.stdout);
      expect(list.kind).toBe('List');
      expect(list.items.map((o: { kind: string }) => o.kind)).toEqual(['NetworkPolicy', 'Pod']);
    });
  }

  test('--secrets-from-env puts the environment credentials into the Secret only', async () => {
    const env = { OSS_ACCESS_KEY_ID: 'cli-env-key-id', OSS_ACCESS_KEY_SECRET: 'cli-env-key-secret' };
    const without = await sbx(['render', '-f', 'manifests/everything.yaml', '--target', 'kubernetes'], { env });
    expect(without.exitCode, without.stderr).toBe(0);
    expect(without.stdout + without.stderr).not.toContain(env.OSS_ACCESS_KEY_SECRET);
    const withEnv = await sbx(['render', '-f', 'manifests/everything.yaml', '--target', 'kubernetes', '--secrets-from-env'], { env });
    expect(withEnv.exitCode, withEnv.stderr).toBe(0);
    const secret = parseAllDocuments(withEnv.stdout).map((d) => d.toJS()).find((o) => o.kind === 'Secret');
    expect(secret.stringData).toEqual({ akId: env.OSS_ACCESS_KEY_ID, akSecret: env.OSS_ACCESS_KEY_SECRET });
    expect(withEnv.stderr).not.toContain(env.OSS_ACCESS_KEY_SECRET);
  });

  test('an invalid manifest exits 2 and prints nothing on stdout', async () => {
    const r = await sbx(['render', '-f', '-', '--target', 'kubernetes'], { input: 'apiVersion: sandboxd.o/v1\nkind: Sandbox\nid: x\nspec: {containers: []}\n' });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
  });
});
