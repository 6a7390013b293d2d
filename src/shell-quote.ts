/**
 * One argument as a POSIX shell would read it back: bare when safe, single-quoted otherwise, and
 * ANSI-C quoted ($'…') when it holds a line break or another control character, so that every
 * command stays on one line.
 */
export function shellQuote(s: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  if (!/[\u0000-\u001f\u007f]/.test(s)) return `'${s.replace(/'/g, `'\\''`)}'`;
  const escaped = [...s]
    .map((ch) => {
      const code = ch.charCodeAt(0);
      if (ch === '\\' || ch === "'") return `\\${ch}`;
      if (ch === '\n') return '\\n';
      if (ch === '\t') return '\\t';
      if (ch === '\r') return '\\r';
      return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : ch;
    })
    .join('');
  return `$'${escaped}'`;
}
