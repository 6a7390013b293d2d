import { describe, expect, it } from 'vitest';
import { parseQuantity } from '../../../src/manifest/quantity.js';

const ok = (raw: string | number, kind: 'cpu' | 'bytes') => {
  const r = parseQuantity(raw, kind);
  if (!r.ok) throw new Error(`${raw}: ${r.message}`);
  return r.value;
};

describe('Kubernetes quantities', () => {
  it.each([
    ['100m', 100], ['0.5', 500], ['2', 2000], [1, 1000], [0.25, 250], ['1e3', 1_000_000], ['1.5', 1500], ['0.1', 100], ['0.0001', 1], ['1k', 1_000_000],
  ] as const)('cpu %s → %d millicores', (raw, want) => expect(ok(raw, 'cpu')).toBe(want));

  it.each([
    ['128Mi', 128 * 2 ** 20], ['1G', 1e9], ['1Gi', 2 ** 30], ['1e3', 1000], ['512', 512], [1024, 1024], ['1.5Ki', 1536], ['0.5', 1], ['128M', 128e6], ['1P', 1e15], ['.5Ki', 512],
  ] as const)('bytes %s → %d', (raw, want) => expect(ok(raw, 'bytes')).toBe(want));

  it('rejects a milli suffix on bytes with a hint', () => {
    const r = parseQuantity('128m', 'bytes');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toContain('did you mean 128Mi?');
  });
  it.each(['0', '-1', '0Mi', '-0.5', 0, -3])('rejects non-positive %s', (raw) => {
    const r = parseQuantity(raw, 'bytes');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/greater than 0/);
  });
  it.each(['not-a-size', '', '1 Gi', '1gi', '1e', 'Mi', '1.2.3', 'x'.repeat(100), '1e400', '99999999999999999999Ei'])('rejects %j', (raw) => {
    expect(parseQuantity(raw, 'bytes').ok).toBe(false);
  });
  it('rejects non-finite numbers', () => {
    expect(parseQuantity(Infinity, 'cpu').ok).toBe(false);
    expect(parseQuantity(NaN, 'cpu').ok).toBe(false);
  });
});
