import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SbxError } from '../errors.js';

export interface InputText {
  file: string;
  text: string;
}

const MANIFEST_FILE = /\.ya?ml$/i;

/** Expands -f arguments (files, directories, "-") into texts; unreadable inputs become errors. */
export async function readInputs(inputs: string[], stdin: NodeJS.ReadableStream): Promise<{ texts: InputText[]; errors: SbxError[] }> {
  const texts: InputText[] = [];
  const errors: SbxError[] = [];
  for (const input of inputs) {
    try {
      if (input === '-') {
        texts.push({ file: '-', text: await readStream(stdin) });
        continue;
      }
      const info = await stat(input);
      if (!info.isDirectory()) {
        texts.push({ file: input, text: await readFile(input, 'utf8') });
        continue;
      }
      const names = (await readdir(input, { withFileTypes: true }))
        .filter((e) => !e.isDirectory() && MANIFEST_FILE.test(e.name))
        .map((e) => e.name)
        .sort();
      if (names.length === 0) errors.push(new SbxError('MANIFEST_INVALID', 'directory contains no *.yaml or *.yml files', { file: input }));
      for (const name of names) {
        const file = join(input, name);
        try {
          texts.push({ file, text: await readFile(file, 'utf8') });
        } catch (err) {
          errors.push(readError(file, err));
        }
      }
    } catch (err) {
      errors.push(readError(input, err));
    }
  }
  return { texts, errors };
}

function readError(file: string, err: unknown): SbxError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reason =
    code === 'ENOENT' ? 'no such file or directory'
    : code === 'EACCES' ? 'permission denied'
    : code === 'EISDIR' ? 'is a directory'
    : (err as Error | undefined)?.message ?? String(err);
  return new SbxError('MANIFEST_INVALID', `cannot read manifest: ${reason}`, { file, cause: err });
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}
