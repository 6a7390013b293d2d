import { createHash } from 'node:crypto';

/** Kubernetes object and container/volume names (DNS-1123) and label syntax. */

const LABEL_MAX = 63;
const SUBDOMAIN_MAX = 253;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** Cut to max and append "-<suffix>", keeping the result a valid name. */
export function withSuffix(name: string, suffix: string, max: number): string {
  const head = name.slice(0, max - suffix.length - 1).replace(/[^a-z0-9]+$/, '');
  return head ? `${head}-${suffix}` : suffix;
}

/** RFC 1123 label: lowercase alphanumerics and "-", alphanumeric at both ends, at most 63 characters. */
export function toDnsLabel(raw: string): string {
  const s = raw.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  if (!s) return `x-${shortHash(raw)}`;
  return s.length <= LABEL_MAX ? s : withSuffix(s, shortHash(raw), LABEL_MAX);
}

/** RFC 1123 subdomain: dot-separated labels, at most 253 characters (object names). */
export function toDnsSubdomain(raw: string): string {
  const parts = raw
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .split('.')
    .map((p) => p.replace(/^-+|-+$/g, ''))
    .filter(Boolean);
  const s = parts.join('.');
  if (!s) return `x-${shortHash(raw)}`;
  return s.length <= SUBDOMAIN_MAX ? s : withSuffix(s, shortHash(raw), SUBDOMAIN_MAX);
}

export function isLabelValue(value: string): boolean {
  return value.length <= LABEL_MAX && LABEL_VALUE.test(value);
}

/** A label value that stands for raw: raw itself when valid, else a trimmed form with a hash of raw. */
export function toLabelValue(raw: string): string {
  if (isLabelValue(raw)) return raw;
  const trimmed = raw.replace(/[^-A-Za-z0-9_.]+/g, '-').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return withSuffix(trimmed, shortHash(raw), LABEL_MAX);
}

/** Label and annotation keys: [prefix/]name, prefix a DNS subdomain. */
export function isQualifiedName(key: string): boolean {
  const slash = key.indexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (name.length > LABEL_MAX || !LABEL_NAME.test(name)) return false;
  if (slash < 0) return true;
  const prefix = key.slice(0, slash);
  return prefix.length > 0 && prefix.length <= SUBDOMAIN_MAX && toDnsSubdomain(prefix) === prefix;
}

/** Hands out sanitised names that are unique within one scope (a Pod's volumes, the Pods of one render). */
export class NameAllocator {
  readonly #used = new Set<string>();
  constructor(
    private readonly sanitize: (raw: string) => string,
    private readonly max: number = LABEL_MAX,
  ) {}

  reserve(name: string): void {
    this.#used.add(name);
  }

  take(raw: string): string {
    let name = this.sanitize(raw);
    for (let i = 0; this.#used.has(name); i++) name = withSuffix(this.sanitize(raw), shortHash(`${raw}#${i}`), this.max);
    this.#used.add(name);
    return name;
  }
}
