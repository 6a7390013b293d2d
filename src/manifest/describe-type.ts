/** "a list", "a mapping", "an integer"... for messages that must not quote the value itself. */
export function describeType(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'number' && Number.isNaN(value)) return 'not-a-number (.nan)';
  if (typeof value === 'number' && !Number.isFinite(value)) return 'a number too large to hold (it reads as infinity)';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  return `a ${typeof value}`;
}
