import { readdirSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { SbxError } from '../errors.js';
import { checkedText, readRegularFile, readStreamBounded, specialFileReason } from './bounded-read.js';

export interface InputText {
  file: string;
  text: string;
}

export interface ReadOptions {
  stdin: NodeJS.ReadableStream;
  maxBytes: number;
  /** Aborted on Ctrl-C/SIGTERM: stops waiting for stdin. */
  signal?: AbortSignal;
}

const MANIFEST_FILE = /\.ya?ml$/i;
const ONLY_THROUGH_DASH = 'sbx reads regular files, directories of *.yaml/*.yml, and stdin through -f -';

/**
 * Expands -f arguments (files, directories, "-") into texts; unreadable inputs become errors.
 * Each path is checked with stat before it is opened: opening a FIFO would wait for a writer.
 */
export async function readInputs(inputs: string[], o: ReadOptions): Promise<{ texts: InputText[]; errors: SbxError[] }> {
  const texts: InputText[] = [];
  const errors: SbxError[] = [];
  for (const input of inputs) {
    try {
      if (input === '-') {
        texts.push({ file: '-', text: checkedText(await readStreamBounded(o.stdin, o.maxBytes, o.signal), '-', o.maxBytes, 'MANIFEST_INVALID') });
        continue;
      }
      const info = statSync(input);
      const special = specialFileReason(info);
      if (special) throw new SbxError('MANIFEST_INVALID', `cannot read manifest: ${special}`, { file: input, hint: ONLY_THROUGH_DASH });
      if (!info.isDirectory()) {
        texts.push(readFileText(input, o.maxBytes));
        continue;
      }
      const entries = readdirSync(input, { withFileTypes: true })
        .filter((e) => MANIFEST_FILE.test(e.name))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      let found = 0;
      for (const entry of entries) {
        const file = join(input, entry.name);
        try {
          if (isDirectoryEntry(entry, file)) continue;
          texts.push(readFileText(file, o.maxBytes));
        } catch (err) {
          errors.push(readError(file, err));
        }
        found++;
      }
      if (found === 0) errors.push(new SbxError('MANIFEST_INVALID', 'directory contains no *.yaml or *.yml files', { file: input }));
    } catch (err) {
      errors.push(readError(input, err));
    }
  }
  return { texts, errors };
}

/** Subdirectories (and symlinks to them) are not descended into; a FIFO or device entry is refused, never opened. */
function isDirectoryEntry(entry: Dirent, file: string): boolean {
  if (entry.isDirectory()) return true;
  if (entry.isFile()) return false;
  const info = statSync(file);
  if (info.isDirectory()) return true;
  const special = specialFileReason(info);
  if (special) throw new SbxError('MANIFEST_INVALID', `cannot read manifest: ${special}`, { file, hint: ONLY_THROUGH_DASH });
  return false;
}

function readFileText(file: string, maxBytes: number): InputText {
  return { file, text: checkedText(readRegularFile(file, maxBytes, 'MANIFEST_INVALID'), file, maxBytes, 'MANIFEST_INVALID') };
}

function readError(file: string, err: unknown): SbxError {
  if (err instanceof SbxError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reason =
    code === 'ENOENT' ? 'no such file or directory'
    : code === 'EACCES' ? 'permission denied'
    : code === 'EISDIR' ? 'is a directory'
    : code === 'ELOOP' ? 'too many levels of symbolic links (a symlink loop)'
    : (err as Error | undefined)?.message ?? String(err);
  return new SbxError('MANIFEST_INVALID', `cannot read manifest: ${reason}`, { file, cause: err });
}
