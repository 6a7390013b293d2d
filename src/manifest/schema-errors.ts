import type { Segment } from './field-path.js';
import type { Issue } from './issues.js';
import { suggestKey } from './did-you-mean.js';
import { describeType } from './describe-type.js';

/** The subset of an ajv error (with `verbose: true`) that the messages use. */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  schema?: unknown;
  parentSchema?: Record<string, unknown>;
  data?: unknown;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'null',
};

/** JSON pointer → segments, using the data to tell list indexes from map keys. */
export function pointerToSegments(pointer: string, root: unknown): Segment[] {
  if (!pointer) return [];
  const out: Segment[] = [];
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const i = Number(key);
      out.push(i);
      node = node[i];
    } else {
      out.push(key);
      node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return out;
}

/** One readable issue per ajv error (never quoting values: they may be credentials). */
export function schemaErrorToIssue(e: SchemaError, root: unknown): Issue {
  const path = pointerToSegments(e.instancePath, root);
  const ps = e.parentSchema ?? {};
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const allowed = Object.keys((ps.properties as Record<string, unknown> | undefined) ?? {});
      const suggestion = suggestKey(key, allowed);
      const hint = suggestion
        ? `did you mean ${suggestion}?`
        : allowed.length
          ? `allowed here: ${allowed.join(', ')}`
          : undefined;
      return { code: 'UNKNOWN_FIELD', path: [...path, key], message: `unknown field "${key}"`, hint, onKey: true };
    }
    case 'required': {
      const key = String(e.params.missingProperty);
      return { code: 'MANIFEST_INVALID', path: [...path, key], message: `${key} is required` };
    }
    case 'type': {
      const wanted = String(e.params.type)
        .split(',')
        .map((t) => TYPE_NAMES[t] ?? t)
        .join(' or ');
      const wantsString = String(e.params.type).includes('string');
      const allowed = (ps.enum as unknown[] | undefined) ?? (ps.const !== undefined ? [ps.const] : undefined);
      if (allowed) {
        const list = [...new Set(allowed.map((v) => JSON.stringify(typeof v === 'string' && /^[a-z]+$/i.test(v) ? v.toLowerCase() : v)))];
        const meant = allowed.find((v) => typeof v === 'string' && typeof e.data === 'number' && Number(v) === e.data);
        return { code: 'MANIFEST_INVALID', path, message: `must be one of: ${list.join(', ')}, got ${describeType(e.data)}`, hint: meant ? `write "${String(meant)}" in quotes` : undefined };
      }
      const scalarGiven = typeof e.data === 'number' || typeof e.data === 'boolean';
      const hint = String(e.params.type) === 'string' && scalarGiven ? 'quote the value to make it a string' : typeHint(path, e.data, String(e.params.type));
      return { code: 'MANIFEST_INVALID', path, message: `must be ${wanted}, got ${describeType(e.data)}`, hint };
    }
    case 'enum': {
      const values = (e.params.allowedValues as unknown[]).map((v) => String(v));
      const lower = [...new Set(values.map((v) => (/^[a-z]+$/i.test(v) ? v.toLowerCase() : v)))];
      return { code: 'MANIFEST_INVALID', path, message: `must be one of: ${lower.map((v) => JSON.stringify(v)).join(', ')}` };
    }
    case 'const':
      return { code: 'MANIFEST_INVALID', path, message: `must be ${JSON.stringify(e.params.allowedValue)}` };
    case 'minimum':
    case 'maximum': {
      const min = ps.minimum as number | undefined;
      const max = ps.maximum as number | undefined;
      const message =
        min !== undefined && max !== undefined && max < 100000
          ? `must be between ${min} and ${max}`
          : e.keyword === 'minimum'
            ? `must be >= ${min}`
            : `must be <= ${max}`;
      return { code: 'MANIFEST_INVALID', path, message };
    }
    case 'minItems':
      if (path.join('.') === 'spec.containers') return { code: 'MANIFEST_INVALID', path, message: 'at least one container is required' };
      return { code: 'MANIFEST_INVALID', path, message: `must have at least ${String(e.params.limit)} item(s)` };
    default:
      return { code: 'MANIFEST_INVALID', path, message: `is invalid (${e.keyword})` };
  }
}

function typeHint(path: Segment[], data: unknown, wanted: string): string | undefined {
  const last = path[path.length - 2];
  if (last === 'env' && typeof data === 'object' && data !== null && 'name' in data) {
    return 'write env entries as "KEY=VALUE" strings';
  }
  if (path[path.length - 1] === 'env' && wanted === 'array') return 'write env as a list of "KEY=VALUE" strings';
  if (wanted === 'boolean' && typeof data === 'string') return 'use true or false without quotes';
  if ((wanted === 'integer' || wanted === 'number') && typeof data === 'string') return 'write the number without quotes';
  return undefined;
}

/**
 * ajv may report the same problem more than once; keep one per path and message. A missing key
 * whose misspelling was already reported as an unknown field (mountPath → mount_path) is not repeated.
 */
export function dedupeIssues(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  const misspelt = new Set(
    issues
      .filter((i) => i.code === 'UNKNOWN_FIELD' && i.hint?.startsWith('did you mean '))
      .map((i) => JSON.stringify([...i.path.slice(0, -1), i.hint!.slice('did you mean '.length, -1)])),
  );
  const wrongType = new Set(issues.filter((i) => i.message.startsWith('must be ') && i.message.includes(', got ')).map((i) => JSON.stringify(i.path)));
  return issues.filter((i) => {
    if (i.message.endsWith(' is required') && misspelt.has(JSON.stringify(i.path))) return false;
    // A value of the wrong type also fails enum/const; the type error (with its allowed values) is enough.
    const isValueMismatch = (i.message.startsWith('must be one of: ') || i.message.startsWith('must be "')) && !i.message.includes(', got ');
    if (isValueMismatch) {
      if (wrongType.has(JSON.stringify(i.path))) return false;
    }
    const k = `${i.code}|${JSON.stringify(i.path)}|${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
