import { SbxError, SbxErrors } from '../errors.js';
import type { LoadResult, ManifestWarning, Sandbox } from './model.js';
import { loadDocument } from './document.js';
import { inputLimits } from './input-limits.js';
import { readInputs, type InputText } from './read-inputs.js';
import { parseYamlFile, type Position } from './yaml-source.js';

/**
 * Loads every Sandbox document of the inputs (files, directories of *.yaml/*.yml, "-" for stdin).
 * All problems of all inputs are thrown together as SbxErrors; nothing else is ever thrown.
 */
export async function loadManifests(
  inputs: string[],
  opts: {
    stdin?: NodeJS.ReadableStream;
    /** Sees each input's text as read (never part of the result: it may hold secrets). */
    onInput?: (input: InputText) => void;
    /** Aborted on Ctrl-C/SIGTERM. */
    signal?: AbortSignal;
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<LoadResult> {
  let errors: SbxError[] = [];
  const warnings: ManifestWarning[] = [];
  const sandboxes: Sandbox[] = [];
  const idPositions = new Map<Sandbox, Partial<Position>>();
  try {
    if (inputs.length === 0) throw new SbxError('USAGE', 'no manifest given', { hint: 'use -f FILE, -f DIR or -f -' });
    const limits = inputLimits(opts.env);
    const read = await readInputs(inputs, { stdin: opts.stdin ?? process.stdin, maxBytes: limits.maxBytes, signal: opts.signal });
    errors.push(...read.errors);
    for (const t of read.texts) opts.onInput?.(t);
    let documentsSeen = 0;
    let documentsParsed = 0;
    for (const { file, text } of read.texts) {
      const parsed = parseYamlFile(text, { maxDepth: limits.maxDepth, maxDocuments: limits.maxDocuments - documentsParsed });
      documentsParsed += parsed.documents.length;
      if (parsed.refusal) {
        const { message, offset, hint } = parsed.refusal;
        errors.push(new SbxError('MANIFEST_INVALID', message, { file, hint, ...parsed.positionOf(offset) }));
      }
      for (const pd of parsed.documents) {
        const result = await loadDocument(file, pd, parsed.positionOf, limits.maxBytes);
        errors.push(...result.errors);
        warnings.push(...result.warnings);
        if (result.sandbox) {
          sandboxes.push(result.sandbox);
          idPositions.set(result.sandbox, result.idAt ?? {});
        }
        if (result.sandbox || result.errors.length) documentsSeen++;
      }
    }
    errors.push(...duplicateIds(sandboxes, idPositions));
    if (documentsSeen === 0 && errors.length === 0) {
      errors.push(new SbxError('MANIFEST_INVALID', 'no Sandbox documents found', { file: inputs.join(', ') }));
    }
  } catch (err) {
    errors = [...errors, ...asSbxErrors(err)];
  }
  if (errors.length > 0) throw new SbxErrors(errors);
  return { sandboxes, warnings };
}

function duplicateIds(sandboxes: Sandbox[], idPositions: Map<Sandbox, Partial<Position>>): SbxError[] {
  const firstById = new Map<string, Sandbox>();
  const errors: SbxError[] = [];
  for (const s of sandboxes) {
    const earlier = firstById.get(s.id);
    if (!earlier) {
      firstById.set(s.id, s);
      continue;
    }
    const earlierAt = idPositions.get(earlier) ?? {};
    const where = `${earlier.source.file}:${earlierAt.line ?? earlier.source.line}`;
    const at = idPositions.get(s) ?? {};
    errors.push(new SbxError('MANIFEST_INVALID', `duplicate sandbox id ${s.id} (first defined at ${where})`, {
      file: s.source.file,
      line: at.line ?? s.source.line,
      column: at.column ?? s.source.column,
      path: 'id',
    }));
  }
  return errors;
}

/** A bug must not escape as a stack trace with manifest contents: report it as one error. */
function asSbxErrors(err: unknown): SbxError[] {
  if (err instanceof SbxErrors) return err.errors;
  if (err instanceof SbxError) return [err];
  return [new SbxError('MANIFEST_INVALID', 'internal error while loading the manifest', { cause: err })];
}
