import { describe, expect, it } from 'vitest';
import { plainApply } from '../../../src/cli/fast-noop.js';

describe('which command lines the applied record may answer', () => {
  it.each([
    [['apply', '-f', 'a.yaml'], { file: 'a.yaml' }],
    [['apply', '--filename', 'a.yaml'], { file: 'a.yaml' }],
    [['apply', '--filename=a.yaml'], { file: 'a.yaml' }],
    [['--no-color', 'apply', '-f', 'a.yaml'], { file: 'a.yaml' }],
    [['--context', 'ci', 'apply', '-f', 'a.yaml'], { file: 'a.yaml', context: 'ci' }],
    [['apply', '-f', 'a.yaml', '--context=ci'], { file: 'a.yaml', context: 'ci' }],
  ])('%j is answered', (args, expected) => {
    expect(plainApply(args)).toEqual({ context: undefined, ...expected });
  });

  it.each([
    [[]],
    [['apply']],
    [['validate', '-f', 'a.yaml']],
    [['-f', 'a.yaml', 'apply']],
    [['apply', '-f', '-']],
    [['apply', '-f']],
    [['apply', '-f', 'a.yaml', 'b.yaml']],
    [['apply', '-f', 'a.yaml', '-f', 'b.yaml']],
    [['apply', '-f', 'a.yaml', '-o', 'json']],
    [['apply', '-f', 'a.yaml', '--output=yaml']],
    [['apply', '-f', 'a.yaml', '--dry-run']],
    [['apply', '-f', 'a.yaml', '--wait']],
    [['apply', '-f', 'a.yaml', '-v']],
    [['apply', '-f', 'a.yaml', '--progress', 'json']],
    [['apply', '-f', 'a.yaml', '--context']],
    [['apply', '-f', 'a.yaml', '--context=']],
    [['apply', '-f', 'a.yaml', '--help']],
    [['apply', 'apply', '-f', 'a.yaml']],
  ])('%j is left to the full CLI', (args) => {
    expect(plainApply(args)).toBeUndefined();
  });
});
