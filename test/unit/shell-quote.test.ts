import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellQuote } from '../../src/shell-quote.js';

describe('shellQuote', () => {
  it.each([
    ['plain', 'plain'],
    ['a b', "'a b'"],
    ["it's", "'it'\\''s'"],
    ['line1\nline2', "$'line1\\nline2'"],
    ["tab\there 'q' \\", "$'tab\\there \\'q\\' \\\\'"],
    ['bell\u0007', "$'bell\\x07'"],
  ])('%j → %s', (arg, quoted) => {
    expect(shellQuote(arg)).toBe(quoted);
  });

  it('bash reads every quoted form back to the same argument', () => {
    const args = ['plain', 'a b', "it's", 'line1\nline2', "tab\there 'q' \\", 'bell\u0007', '$(id)'];
    const out = execFileSync('bash', ['-c', `printf '%s\\0' ${args.map(shellQuote).join(' ')}`]).toString();
    expect(out.split('\0').slice(0, -1)).toEqual(args);
  });
});
