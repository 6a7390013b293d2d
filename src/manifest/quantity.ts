/**
 * Kubernetes resource quantities (`100m`, `0.5`, `128Mi`, `1G`, `1e3`), computed exactly with
 * BigInt and rounded up like Kubernetes' Value()/MilliValue().
 */
export type QuantityKind = 'cpu' | 'bytes';

export type QuantityResult = { ok: true; value: number } | { ok: false; message: string; hint?: string };

const SYNTAX = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]))?$/;
const DECIMAL_SUFFIX: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIX: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const MAX_EXPONENT = 40;

export const QUANTITY_SYNTAX_HINT = 'use Kubernetes quantity syntax, e.g. 500m, 0.5, 128Mi, 1G';

/** Strings and numbers are quantities to parse; anything else is left to the schema's type error. */
/** Infinity and NaN (`1e400`, `.inf`) are left to the schema's message. */
export function isQuantityValue(x: unknown): x is string | number {
  return typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x));
}

/** Parses a positive quantity: cpu → millicores, bytes → bytes. */
export function parseQuantity(raw: unknown, kind: QuantityKind): QuantityResult {
  const text = typeof raw === 'number' ? numberText(raw) : typeof raw === 'string' ? raw.trim() : undefined;
  if (text === undefined || text.length > 64) return { ok: false, message: 'is not a valid quantity', hint: QUANTITY_SYNTAX_HINT };
  const m = SYNTAX.exec(text);
  if (!m) return { ok: false, message: `"${text}" is not a valid quantity`, hint: QUANTITY_SYNTAX_HINT };
  const [, sign, mantissa, exponent, suffix = ''] = m;
  if (kind === 'bytes' && (suffix === 'm' || suffix === 'u' || suffix === 'n')) {
    const name = { m: 'milli', u: 'micro', n: 'nano' }[suffix];
    return {
      ok: false,
      message: `"${text}" means ${name}bytes (the "${suffix}" suffix is ${name}, not mega); did you mean ${mantissa}${suffix === 'm' ? 'Mi' : ''}?`,
    };
  }
  const [intPart, fracPart = ''] = mantissa.split('.');
  const digits = BigInt((intPart || '0') + fracPart);
  if (sign === '-' || digits === 0n) return { ok: false, message: `must be greater than 0 (got ${text})` };

  let exp10 = exponent !== undefined ? Number(exponent) : (DECIMAL_SUFFIX[suffix] ?? 0);
  const exp2 = BINARY_SUFFIX[suffix] ?? 0;
  if (kind === 'cpu') exp10 += 3;
  exp10 -= fracPart.length;
  if (exp10 > MAX_EXPONENT) return { ok: false, message: `${text} is too large` };
  if (exp10 < -MAX_EXPONENT - 64) exp10 = -MAX_EXPONENT - 64;

  let numerator = digits * 2n ** BigInt(exp2);
  let denominator = 1n;
  if (exp10 >= 0) numerator *= 10n ** BigInt(exp10);
  else denominator = 10n ** BigInt(-exp10);
  const value = (numerator + denominator - 1n) / denominator;
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, message: `${text} is too large` };
  return { ok: true, value: Number(value) };
}

function numberText(n: number): string | undefined {
  if (!Number.isFinite(n)) return undefined;
  return String(n);
}
