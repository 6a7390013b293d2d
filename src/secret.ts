import { inspect } from 'node:util';

export const REDACTED = '<redacted>';

/**
 * A value that must never reach argv, labels, logs, plan output, JSON or error text.
 * Every accidental stringification (template literal, JSON.stringify, console.log, util.inspect)
 * yields REDACTED; only reveal() gives the value, and only the ossfs credential writer calls it.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [inspect.custom](): string {
    return REDACTED;
  }
}

/** Replace every occurrence of the given secret strings in text (e.g. a child's stderr). */
export function redact(text: string, secrets: Iterable<string | Secret | undefined>): string {
  let out = text;
  for (const s of secrets) {
    const v = s instanceof Secret ? s.reveal() : s;
    if (v && v.length >= 1) out = out.split(v).join(REDACTED);
  }
  return out;
}
