/** Kubernetes quantities from the model's bytes and millicores, and Docker tmpfs sizes back to bytes. */

const BINARY_UNITS: ReadonlyArray<readonly [string, number]> = [
  ['Ti', 2 ** 40],
  ['Gi', 2 ** 30],
  ['Mi', 2 ** 20],
  ['Ki', 2 ** 10],
];

/** "256Mi" when the size is an exact binary multiple, else plain bytes. */
export function bytesQuantity(bytes: number): string {
  for (const [unit, factor] of BINARY_UNITS) if (bytes >= factor && bytes % factor === 0) return `${bytes / factor}${unit}`;
  return String(bytes);
}

export function cpuQuantity(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

const TMPFS_SUFFIX: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** Docker's `--tmpfs` size= value ("16m", "1g", "65536"): binary units. undefined = not a fixed size (e.g. "50%"). */
export function parseTmpfsSize(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(value.trim());
  if (!m) return undefined;
  const bytes = Math.floor(Number(m[1]) * TMPFS_SUFFIX[m[2].toLowerCase()]);
  return bytes > 0 ? bytes : undefined;
}
