import fs from 'node:fs';
import path from 'node:path';
import { SbxError } from '../errors.js';
import { isWithin } from './safe-path.js';

/**
 * Host directories a manifest may bind. Taken from SBX_ALLOWED_HOST_PATHS (colon-separated; set,
 * even empty, it wins) or else from `allowed_host_paths: [...]` in the config file ($SBX_CONFIG,
 * default /etc/sbx/config.yaml). Empty means every host path is refused.
 */
export const DEFAULT_CONFIG_FILE = '/etc/sbx/config.yaml';

export const HOW_TO_ALLOW =
  'allow a directory with SBX_ALLOWED_HOST_PATHS=/dir1:/dir2, or `allowed_host_paths: [/dir1, /dir2]` in $SBX_CONFIG (default /etc/sbx/config.yaml)';

export interface AllowList {
  /** Entries as configured (absolute). */
  entries: string[];
  /** Canonical (symlink-free) prefixes that exist. */
  prefixes: string[];
  /** Where the list came from, for messages. */
  source: string;
  /** Entries that do not exist (they admit nothing). */
  missing: string[];
}

export async function loadAllowList(env: NodeJS.ProcessEnv = process.env): Promise<AllowList> {
  const { entries, source } = await rawEntries(env);
  const prefixes: string[] = [];
  const missing: string[] = [];
  for (const e of entries) {
    try {
      prefixes.push(fs.realpathSync.native(e));
    } catch {
      missing.push(e);
    }
  }
  return { entries, prefixes, source, missing };
}

/** The allowed prefix that contains a canonical path, if any (component-wise). */
export function allowingPrefix(list: AllowList, canonical: string): string | undefined {
  return list.prefixes.find((p) => isWithin(p, canonical));
}

/** For a path that does not exist: would it be under an allowed prefix as written? */
export function lexicallyAllowed(list: AllowList, p: string): boolean {
  return [...list.entries, ...list.prefixes].some((e) => isWithin(path.normalize(e), path.normalize(p)));
}

async function rawEntries(env: NodeJS.ProcessEnv): Promise<{ entries: string[]; source: string }> {
  const fromEnv = env.SBX_ALLOWED_HOST_PATHS;
  if (fromEnv !== undefined) {
    return { entries: checked(fromEnv.split(':').filter(Boolean), 'SBX_ALLOWED_HOST_PATHS'), source: 'SBX_ALLOWED_HOST_PATHS' };
  }
  const file = env.SBX_CONFIG || DEFAULT_CONFIG_FILE;
  let doc: unknown;
  try {
    // Loaded here, not with this module: delete, ls and gc reach it through the host backend but never read YAML.
    const { readYamlFile } = await import('../manifest/read-yaml-file.js');
    doc = readYamlFile(file, 'USAGE', env);
  } catch (err) {
    if (err instanceof SbxError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !env.SBX_CONFIG) return { entries: [], source: `${file} (absent)` };
    throw new SbxError('USAGE', `cannot read config file ${file}: ${(err as Error).message}`);
  }
  const list = doc && typeof doc === 'object' ? (doc as Record<string, unknown>).allowed_host_paths : undefined;
  if (list === undefined || list === null) return { entries: [], source: file };
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) {
    throw new SbxError('USAGE', `config file ${file}: allowed_host_paths must be a list of absolute paths`);
  }
  return { entries: checked(list as string[], file), source: file };
}

function checked(entries: string[], source: string): string[] {
  const relative = entries.filter((e) => !path.isAbsolute(e));
  if (relative.length) throw new SbxError('USAGE', `${source}: allowed host paths must be absolute, got ${relative.map((e) => JSON.stringify(e)).join(', ')}`);
  return entries;
}
