import { SbxError } from '../errors.js';
import { formatPath } from './field-path.js';
import type { Issue, PendingWarning } from './issues.js';
import type { ManifestWarning, Sandbox } from './model.js';
import type { SandboxDoc } from './manifest-types.js';
import { checkDocument } from './rules/index.js';
import { normalise } from './normalise.js';
import { validate as validateSchema } from './generated/validate-schema.js';
import { describeType } from './describe-type.js';
import { locate, type ParsedDocument, type Position } from './yaml-source.js';
import { aliasRefusal } from './yaml-limits.js';
import { MAX_ARG_BYTES } from './rules/argv-size.js';
import { L } from '../labels.js';

export interface DocumentResult {
  sandbox?: Sandbox;
  /** Where the sandbox's id is written (for duplicate-id errors). */
  idAt?: Partial<Position>;
  errors: SbxError[];
  warnings: ManifestWarning[];
}

type SchemaValidator = ((data: unknown) => boolean) & { errors?: unknown[] | null };
const schemaValidate = validateSchema as unknown as SchemaValidator;

/** Parses, validates and normalises one YAML document of a file. */
export async function loadDocument(file: string, pd: ParsedDocument, positionOf: (offset: number) => Position, maxBytes: number): Promise<DocumentResult> {
  const { doc } = pd;
  const at = (offset: number | undefined) => (offset === undefined ? {} : positionOf(offset));
  const warnings: ManifestWarning[] = doc.warnings.map((w) => ({ file, ...at(w.pos[0]), message: yamlMessage(w.message) }));
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((e) => new SbxError('MANIFEST_INVALID', `YAML syntax error: ${yamlMessage(e.message)}`, { file, ...at(e.pos[0]) }));
    return { errors, warnings };
  }
  if (doc.contents === null) return { errors: [], warnings };

  const refusal = aliasRefusal(doc, maxBytes);
  if (refusal) return { errors: [new SbxError('MANIFEST_INVALID', refusal.message, { file, hint: refusal.hint, ...at(refusal.offset) })], warnings };

  let data: unknown;
  try {
    // aliasRefusal bounds what aliases expand to, which is what the library's alias count stands in for.
    data = doc.toJS({ maxAliasCount: -1 });
  } catch {
    return { errors: [new SbxError('MANIFEST_INVALID', 'cannot convert the YAML document', { file, ...pd.start })], warnings };
  }
  if (data === null || data === undefined) return { errors: [], warnings };
  if (typeof data !== 'object' || Array.isArray(data)) {
    const message = `a manifest document must be a mapping (a Sandbox), got ${describeType(data)}`;
    return { errors: [new SbxError('MANIFEST_INVALID', message, { file, ...pd.start })], warnings };
  }

  const issues: Issue[] = [];
  if (!schemaValidate(data)) {
    const { schemaErrorToIssue, dedupeIssues } = await import('./schema-errors.js');
    const schemaIssues = (schemaValidate.errors ?? []).map((e) => schemaErrorToIssue(e as Parameters<typeof schemaErrorToIssue>[0], data));
    issues.push(...dedupeIssues(schemaIssues));
  }
  const semantic = checkDocument(data as Record<string, unknown>);
  issues.push(...semantic.issues);
  warnings.push(...semantic.warnings.map((w) => positioned(w)));

  function positioned(w: PendingWarning): ManifestWarning {
    return { file, path: formatPath(w.path), ...at(locate(doc, w.path).range?.[0]), message: w.message };
  }

  if (issues.length > 0) {
    const errors = issues
      .map((i) => new SbxError(i.code, i.message, { file, path: formatPath(i.path) || undefined, hint: i.hint, ...(at(locate(doc, i.path, i.onKey).range?.[0]) as Partial<Position>) }))
      .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
    return { errors, warnings };
  }
  const sandbox = normalise(data as SandboxDoc, { file, document: pd.index, line: pd.start.line, column: pd.start.column });
  const stored = storedManifestProblem(sandbox);
  if (stored) return { errors: [new SbxError('MANIFEST_INVALID', stored, { file, ...pd.start })], warnings };
  return { sandbox, idAt: at(locate(doc, ['id']).range?.[0]), errors: [], warnings };
}

/**
 * The manifest (without credentials) is kept in one Docker label, one argument of `docker create`. Every
 * other argument is a part of it, so this also bounds each docker argv to a few times 128 KiB, far
 * below ARG_MAX (2 MiB with the default stack limit).
 */
function storedManifestProblem(sandbox: Sandbox): string | undefined {
  const bytes = Buffer.byteLength(`${L.spec}=${JSON.stringify(sandbox.manifest)}`);
  if (bytes < MAX_ARG_BYTES) return undefined;
  return `the manifest is ${bytes} bytes as stored in its Docker label, one command-line argument (Linux allows 128 KiB per argument)`;
}

/** The first line of a yaml library message: later lines quote the source, which may hold secrets. */
function yamlMessage(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}
