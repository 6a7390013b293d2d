import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadManifests } from '../../../src/manifest/load.js';
import { renderKubernetes, type RenderResult } from '../../../src/render/kubernetes.js';
import { renderToText } from '../../../src/render/index.js';
import { ROOT } from '../../helpers/cli.js';
import { validateApiRules, validateObject } from './validate.js';

const MANIFESTS = path.join(ROOT, 'manifests');
const GOLDEN = path.join(ROOT, 'test/golden/kubernetes');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const manifests = existsSync(MANIFESTS) ? readdirSync(MANIFESTS).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
const goldenName = (manifest: string) => manifest.replace(/\.ya?ml$/, '.yaml');

/** The golden file: the notes (what the user sees on stderr) as comments, then stdout. */
function goldenText(manifest: string, r: RenderResult): string {
  const header = [`# sbx render -f manifests/${manifest} --target kubernetes`, ...r.notes.map((n) => `# note: ${n.sandbox} ${n.path}: ${n.message}`)];
  return `${header.join('\n')}\n${renderToText(r, 'yaml')}`;
}

async function renderManifest(manifest: string): Promise<RenderResult> {
  const { sandboxes } = await loadManifests([path.join(MANIFESTS, manifest)]);
  // Credentials never come from the test machine: the goldens hold placeholders.
  return renderKubernetes(sandboxes, { secretsFromEnv: false, env: {} });
}

describe('golden Kubernetes output for every manifest in manifests/', () => {
  test('there are manifests to render', () => {
    expect(manifests.length).toBeGreaterThan(0);
  });

  for (const manifest of manifests) {
    test(manifest, async () => {
      const r = await renderManifest(manifest);
      for (const o of r.objects) {
        validateObject(o);
        validateApiRules(o);
      }
      const file = path.join(GOLDEN, goldenName(manifest));
      const text = goldenText(manifest, r);
      if (UPDATE) {
        mkdirSync(GOLDEN, { recursive: true });
        writeFileSync(file, text);
      }
      if (!existsSync(file)) throw new Error(`golden file ${path.relative(ROOT, file)} is missing; run UPDATE_GOLDEN=1 npx vitest run --project unit test/unit/render`);
      expect(text).toBe(readFileSync(file, 'utf8'));
    });
  }

  test('no golden file without its manifest', () => {
    const goldens = existsSync(GOLDEN) ? readdirSync(GOLDEN).filter((f) => f.endsWith('.yaml')) : [];
    const expected = new Set(manifests.map(goldenName));
    expect(goldens.filter((g) => !expected.has(g))).toEqual([]);
  });
});
