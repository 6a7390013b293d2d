/** The validator module's source text, as written to src/manifest/generated/. */
export function generate(): string;
