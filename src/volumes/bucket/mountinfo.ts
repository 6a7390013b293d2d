import { readFile } from 'node:fs/promises';

export interface MountEntry {
  mountId: number;
  /** "major:minor" of the mounted filesystem. */
  device: string;
  mountPoint: string;
  fsType: string;
  source: string;
}

/** /proc/self/mountinfo escapes space, tab, newline and backslash as octal. */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export function parseMountInfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const fields = line.split(' ');
    const sep = fields.indexOf('-');
    if (sep < 6) continue;
    out.push({
      mountId: Number(fields[0]),
      device: fields[2],
      mountPoint: unescape(fields[4]),
      fsType: fields[sep + 1],
      source: unescape(fields[sep + 2] ?? ''),
    });
  }
  return out;
}

export async function readMountTable(file = '/proc/self/mountinfo'): Promise<MountEntry[]> {
  return parseMountInfo(await readFile(file, 'utf8'));
}

/** The top-most mount at dir (the one a path lookup reaches), if any. */
export async function mountAt(dir: string): Promise<MountEntry | undefined> {
  return (await readMountTable()).filter((m) => m.mountPoint === dir).pop();
}

/** st_dev as glibc's makedev() packs it, in decimal: what `stat -c %d` prints for a file on that mount. */
export function deviceNumber(majorMinor: string): string {
  const [major, minor] = majorMinor.split(':').map((n) => BigInt(n));
  const dev = (minor & 0xffn) | ((major & 0xfffn) << 8n) | ((minor & ~0xffn) << 12n) | ((major & ~0xfffn) << 32n);
  return dev.toString();
}
