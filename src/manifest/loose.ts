/**
 * Read-only accessors for data that may not match the schema: the semantic rules run even on
 * documents with schema errors (so all problems are reported at once) and must skip wrong shapes.
 */
export type Obj = Record<string, unknown>;

export function obj(x: unknown): Obj | undefined {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Obj) : undefined;
}

export function arr(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [];
}

export function str(x: unknown): string | undefined {
  return typeof x === 'string' ? x : undefined;
}

export function has(o: Obj | undefined, key: string): boolean {
  return o !== undefined && Object.prototype.hasOwnProperty.call(o, key) && o[key] !== undefined && o[key] !== null;
}
