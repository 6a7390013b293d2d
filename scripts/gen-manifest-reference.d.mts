/** The manifest reference (Markdown) generated from the schema. */
export function generate(schema?: unknown): string;
