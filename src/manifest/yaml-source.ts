import { Composer, isAlias, isMap, isScalar, isSeq, LineCounter, Parser } from 'yaml';
import type { Document } from 'yaml';
import type { Segment } from './field-path.js';
import { boundedTokens, type Refusal } from './yaml-limits.js';

export interface Position {
  line: number;
  column: number;
}

export interface ParsedDocument {
  index: number;
  doc: Document.Parsed;
  /** Where the document's content starts (1-based). */
  start: Position;
}

export interface ParsedFile {
  documents: ParsedDocument[];
  positionOf(offset: number): Position;
  /** Parsing stopped here: too many documents or too deep; the documents before it are kept. */
  refusal?: Refusal;
}

export function parseYamlFile(text: string, limits: { maxDepth: number; maxDocuments: number }): ParsedFile {
  const lineCounter = new LineCounter();
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0);
  let refusal: Refusal | undefined;
  const composer = new Composer({ prettyErrors: false, uniqueKeys: true, merge: true, logLevel: 'error' });
  const list = [...composer.compose(boundedTokens(parser, text, limits, (r) => (refusal = r)))];
  const positionOf = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  return {
    positionOf,
    refusal,
    documents: list.map((doc, index) => ({
      index,
      doc,
      start: positionOf(doc.contents?.range?.[0] ?? doc.range[0]),
    })),
  };
}

/** The key as the YAML-to-JS conversion names it. */
export function keyName(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

/**
 * Finds the YAML node for a field path; with `onKey` the key of the last segment.
 * Falls back to the deepest node that exists (e.g. the map lacking a required key).
 */
export function locate(doc: Document.Parsed, segments: readonly Segment[], onKey = false): { range?: readonly number[] } {
  let node: unknown = doc.contents;
  let found: { range?: readonly number[] } | undefined = hasRange(node) ? node : undefined;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    let guard = 0;
    while (isAlias(node) && guard++ < 100) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => keyName(p.key) === String(seg));
      if (!pair) break;
      const last = i === segments.length - 1;
      if (last && onKey && hasRange(pair.key)) return pair.key;
      if (hasRange(pair.key)) found = pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
    } else {
      break;
    }
    if (hasRange(node)) found = node;
  }
  return found ?? {};
}

function hasRange(n: unknown): n is { range: readonly number[] } {
  return typeof n === 'object' && n !== null && Array.isArray((n as { range?: unknown }).range);
}
