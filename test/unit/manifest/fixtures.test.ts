import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SbxErrors } from '../../../src/errors.js';
import { loadManifests } from '../../../src/manifest/load.js';
import { ROOT } from '../../helpers/cli.js';

/** Each fixture lists its expected errors as `# expect: LINE CODE PATH` comments (or `# expect: valid`). */
const dir = join(ROOT, 'test/fixtures/manifests');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

describe('fixture manifests', () => {
  it('exist', () => expect(fixtures.length).toBeGreaterThanOrEqual(5));
  for (const name of fixtures) {
    it(name, async () => {
      const file = join(dir, name);
      const expectations = [...readFileSync(file, 'utf8').matchAll(/^# expect: (.+)$/gm)].map((m) => m[1].trim());
      expect(expectations.length, 'fixture without # expect: lines').toBeGreaterThan(0);
      let got: string[] = [];
      try {
        await loadManifests([file]);
        got = ['valid'];
      } catch (err) {
        expect(err).toBeInstanceOf(SbxErrors);
        got = (err as SbxErrors).errors.map((e) => `${e.line} ${e.code} ${e.path}`);
        for (const e of (err as SbxErrors).errors) expect(e.file).toBe(file);
      }
      expect(got.sort()).toEqual([...expectations].sort());
    });
  }
});
