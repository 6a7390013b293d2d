import { isAlias, isMap, isPair, isScalar, isSeq, Lexer, type Document, type Node, type Parser } from 'yaml';
import type { CST } from 'yaml';

type Token = CST.Token;
import { formatBytes, MAX_BYTES_ENV } from './input-limits.js';
import { describeType } from './describe-type.js';

export interface Refusal {
  message: string;
  offset: number;
  hint?: string;
}

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

/**
 * The parser's tokens, stopped at the first document past maxDocuments or the first collection nested
 * deeper than maxDepth: the parser keeps a stack of open collections, so depth is known lexeme by lexeme,
 * before the composer (which recurses) could run out of stack or the token tree could fill memory.
 */
export function* boundedTokens(parser: Parser, text: string, limits: { maxDepth: number; maxDocuments: number }, refuse: (r: Refusal) => void): Generator<Token> {
  let documents = 0;
  const emit = function* (tokens: Iterable<Token>): Generator<Token, boolean> {
    for (const token of tokens) {
      if (token.type === 'document' && ++documents > limits.maxDocuments) {
        refuse({ message: `more than ${limits.maxDocuments} YAML documents in one command`, offset: token.offset });
        return false;
      }
      yield token;
    }
    return true;
  };
  for (const lexeme of new Lexer().lex(text)) {
    if (!(yield* emit(parser.next(lexeme)))) return;
    if (parser.stack.length > limits.maxDepth && parser.stack.filter((t) => COLLECTIONS.has(t.type)).length > limits.maxDepth) {
      refuse({ message: `nested more than ${limits.maxDepth} levels deep`, offset: parser.offset - lexeme.length });
      return;
    }
  }
  yield* emit(parser.end());
}

/**
 * What converting the document to data would meet, found on its nodes first: undefined aliases,
 * aliases inside their own anchor, merge keys given something other than mappings, and aliases
 * expanding the document past maxBytes (the yaml library counts aliases, not what they expand to).
 * Sizes count source characters, so a document without aliases never exceeds its file's size.
 */
export function aliasRefusal(doc: Document.Parsed, maxBytes: number): Refusal | undefined {
  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  let refusal: Refusal | undefined;
  const offsetOf = (n: unknown) => (n as { range?: number[] } | null)?.range?.[0] ?? 0;
  const tooBig = (at: unknown) => {
    refusal ??= {
      message: `aliases expand the document to more than ${formatBytes(maxBytes)}`,
      offset: offsetOf(at),
      hint: `${MAX_BYTES_ENV} sets the limit in bytes`,
    };
  };

  const sizeOf = (node: unknown): number => {
    if (refusal || node === null || node === undefined) return 1;
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (!target) {
        refusal = { message: `undefined alias *${node.source} (no anchor &${node.source} is set before it)`, offset: offsetOf(node) };
        return 1;
      }
      if (open.has(target)) {
        refusal = { message: `alias *${node.source} is inside the node its anchor names`, offset: offsetOf(node) };
        return 1;
      }
      return sizes.get(target) ?? sizeOf(target);
    }
    const n = node as Node;
    const known = sizes.get(n);
    if (known !== undefined) return known;
    let size = 0;
    if (isScalar(n)) {
      size = Math.max(1, (n.range?.[1] ?? 0) - (n.range?.[0] ?? 0));
    } else if (isMap(n) || isSeq(n)) {
      open.add(n);
      for (const item of n.items as unknown[]) {
        if (refusal) break;
        if (isPair(item)) {
          if (isMergeKey(item.key)) checkMerge(item.value);
          size += sizeOf(item.key) + sizeOf(item.value) + 1;
        } else {
          size += sizeOf(item) + 1;
        }
        if (size > maxBytes) tooBig(isPair(item) ? item.value : item);
      }
      open.delete(n);
    }
    sizes.set(n, size);
    return size;
  };

  const checkMerge = (value: unknown) => {
    const resolved = isAlias(value) ? value.resolve(doc) : value;
    if (isAlias(value) && !resolved) return; // reported as an undefined alias
    const sources = isSeq(resolved) ? resolved.items : [value];
    for (const s of sources) {
      const target = isAlias(s) ? s.resolve(doc) : s;
      if (isAlias(s) && !target) return; // reported as an undefined alias
      if (!isMap(target)) {
        const what = isSeq(target) ? 'a list' : isScalar(target) ? describeType(target.value) : 'nothing';
        refusal ??= { message: `the merge key << takes a mapping, an alias of one, or a list of them; got ${what}`, offset: offsetOf(s ?? value) };
        return;
      }
    }
  };

  sizeOf(doc.contents);
  return refusal;
}

/** The yaml library's test (merge: true): a plain `<<` key. */
function isMergeKey(key: unknown): boolean {
  if (!isScalar(key) || (key.type && key.type !== 'PLAIN')) return false;
  const v = key.value;
  return v === '<<' || (typeof v === 'symbol' && v.description === '<<');
}
