import { describe, expect, it } from 'vitest';
import { parseEnd } from '../../../src/cli/cp.js';

describe('sbx cp arguments', () => {
  it.each([
    ['-', { kind: 'stream' }],
    ['demo:/data/x', { kind: 'sandbox', id: 'demo', path: '/data/x' }],
    ['demo:reader:/data', { kind: 'sandbox', id: 'demo', container: 'reader', path: '/data' }],
    ['./file', { kind: 'local', path: './file' }],
    ['./a:/b', { kind: 'local', path: './a:/b' }],
    ['demo:relative', { kind: 'local', path: 'demo:relative' }],
  ])('%s', (arg, want) => {
    expect(parseEnd(arg)).toEqual(want);
  });
});
