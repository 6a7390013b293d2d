import { statSync } from 'node:fs';
import { SbxError, type ErrorCode } from '../errors.js';
import { checkedText, readRegularFile, specialFileReason } from './bounded-read.js';
import { inputLimits } from './input-limits.js';
import { aliasRefusal } from './yaml-limits.js';
import { parseYamlFile } from './yaml-source.js';

/**
 * One YAML document of a file that is not a manifest (the config file), under the manifests' limits.
 * Errors of the file system (ENOENT...) are thrown as they are; every refusal is an SbxError of `code`.
 */
export function readYamlFile(file: string, code: ErrorCode, env: NodeJS.ProcessEnv = process.env): unknown {
  const limits = inputLimits(env);
  const special = specialFileReason(statSync(file));
  if (special) throw new SbxError(code, `cannot read ${file}: ${special}`, { file });
  const text = checkedText(readRegularFile(file, limits.maxBytes, code), file, limits.maxBytes, code);
  const parsed = parseYamlFile(text, { maxDepth: limits.maxDepth, maxDocuments: 1 });
  const refuse = (message: string, offset: number | undefined, hint?: string): never => {
    throw new SbxError(code, `${file} is not valid YAML: ${message}`, { file, hint, ...(offset === undefined ? {} : parsed.positionOf(offset)) });
  };
  if (parsed.refusal) refuse(parsed.refusal.message, parsed.refusal.offset, parsed.refusal.hint);
  const doc = parsed.documents[0]?.doc;
  if (!doc) return undefined;
  const [error] = doc.errors;
  if (error) refuse(error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''), error.pos[0]);
  const aliases = aliasRefusal(doc, limits.maxBytes);
  if (aliases) refuse(aliases.message, aliases.offset, aliases.hint);
  return doc.toJS({ maxAliasCount: -1 });
}
