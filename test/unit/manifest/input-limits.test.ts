import { isUtf8 } from 'node:buffer';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SbxErrors } from '../../../src/errors.js';
import { loadManifests } from '../../../src/manifest/load.js';
import { BASE, edit } from './helpers.js';

/** Near each input limit: one side loads (or fails for other reasons), the other is refused with the limit's message. */
const dir = mkdtempSync(join(tmpdir(), 'sbx-limits-'));
let files = 0;
const write = (text: string | Uint8Array) => {
  const file = join(dir, `f${++files}.yaml`);
  writeFileSync(file, text);
  return file;
};

async function messages(text: string | Uint8Array, env: Record<string, string> = {}): Promise<string[]> {
  try {
    await loadManifests([write(text)], { env });
    return [];
  } catch (err) {
    if (!(err instanceof SbxErrors)) throw err;
    return err.errors.map((e) => e.message);
  }
}

const RUNS = { numRuns: 25 };

describe('input limits', () => {
  it('bytes: a file of n bytes is refused exactly when n exceeds SBX_MAX_MANIFEST_BYTES', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 200, max: 4000 }), fc.integer({ min: -20, max: 20 }), async (limit, delta) => {
        const n = limit + delta;
        const text = `a: b\n#${'x'.repeat(n - 7)}\n`;
        expect(Buffer.byteLength(text)).toBe(n);
        const refused = (await messages(text, { SBX_MAX_MANIFEST_BYTES: String(limit) })).some((m) => m.startsWith('input is larger than the limit of'));
        expect(refused).toBe(n > limit);
      }),
      RUNS,
    );
  });

  it('depth: nesting is refused exactly past 100 levels', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 90, max: 110 }), async (depth) => {
        // The top-level mapping is level 1; each "[" one more.
        const text = `a: ${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}\n`;
        expect((await messages(text)).includes('nested more than 100 levels deep')).toBe(depth > 100);
      }),
      RUNS,
    );
  });

  it('documents: more than 1000 in one command are refused', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 995, max: 1005 }), async (n) => {
        expect((await messages('---\n'.repeat(n))).includes('more than 1000 YAML documents in one command')).toBe(n > 1000);
      }),
      { numRuns: 10 },
    );
  });

  it('aliases: refused when what they expand to exceeds the limit, never when it fits with room', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 10, max: 400 }), fc.integer({ min: 1, max: 40 }), async (size, aliases) => {
        const limit = 5000;
        const text = `a: &a ${'x'.repeat(size)}\nb: [${Array(aliases).fill('*a').join(', ')}]\n`;
        const expanded = size * (aliases + 1);
        const refused = (await messages(text, { SBX_MAX_MANIFEST_BYTES: String(limit) })).includes('aliases expand the document to more than 4.9 KiB');
        if (expanded > limit) expect(refused).toBe(true);
        if (expanded + 4 * aliases + 64 <= limit) expect(refused).toBe(false);
      }),
      { numRuns: 60 },
    );
  });

  it('argument size: a value is refused exactly past 130047 bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 130_047 - 8, max: 130_047 + 8 }), async (n) => {
        const text = edit(BASE, 'image: alpine:3.20', `image: ${'i'.repeat(n)}`);
        const refused = (await messages(text)).some((m) => m.startsWith(`is ${n} bytes, too long for one command-line argument`));
        expect(refused).toBe(n > 130_047);
      }),
      { numRuns: 17 },
    );
  });

  it('UTF-8: bytes are refused exactly when they are not valid UTF-8', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 12 }), async (bytes) => {
        const text = Buffer.concat([Buffer.from('a: "'), bytes, Buffer.from('"\n')]);
        const refused = (await messages(text)).some((m) => m.startsWith('input is not valid UTF-8'));
        expect(refused).toBe(!isUtf8(text));
      }),
      { numRuns: 200 },
    );
  });
});
