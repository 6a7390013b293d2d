/** One regular file for a ustar archive. */
export interface TarFile {
  /** Path inside the archive, relative, at most 100 bytes. */
  name: string;
  mode: number;
  data: Uint8Array;
}

const BLOCK = 512;

/** A minimal ustar archive of regular files, enough for `docker import`. */
export function tarArchive(files: readonly TarFile[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of files) {
    parts.push(header(f), padToBlock(f.data));
  }
  parts.push(new Uint8Array(2 * BLOCK));
  return Buffer.concat(parts);
}

function header(f: TarFile): Uint8Array {
  const h = Buffer.alloc(BLOCK);
  if (Buffer.byteLength(f.name) > 100) throw new Error(`tar: name too long: ${f.name}`);
  h.write(f.name, 0, 100, 'utf8');
  octal(h, 100, 8, f.mode);
  octal(h, 108, 8, 0); // uid
  octal(h, 116, 8, 0); // gid
  octal(h, 124, 12, f.data.length);
  octal(h, 136, 12, 0); // mtime: fixed so the archive is reproducible
  h.write('0', 156); // regular file
  h.write('ustar\u000000', 257, 'latin1');
  // The checksum is computed with its own field filled with spaces.
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\u0000 ', 148, 'latin1');
  return h;
}

function octal(buf: Buffer, offset: number, width: number, value: number): void {
  buf.write(value.toString(8).padStart(width - 1, '0') + '\u0000', offset, width, 'latin1');
}

function padToBlock(data: Uint8Array): Uint8Array {
  const size = Math.ceil(data.length / BLOCK) * BLOCK;
  const out = new Uint8Array(size);
  out.set(data);
  return out;
}
