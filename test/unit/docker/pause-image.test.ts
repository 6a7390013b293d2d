import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { pauseElf, pauseImageRef } from '../../../src/docker/pause-image.js';
import { tarArchive } from '../../../src/docker/tar.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

function elfFields(elf: Buffer) {
  return {
    magic: elf.subarray(0, 4).toString('latin1'),
    class: elf[4],
    endian: elf[5],
    type: elf.readUInt16LE(16),
    machine: elf.readUInt16LE(18),
    entry: elf.readBigUInt64LE(24),
    phoff: elf.readBigUInt64LE(32),
    ehsize: elf.readUInt16LE(52),
    phentsize: elf.readUInt16LE(54),
    phnum: elf.readUInt16LE(56),
    ph: {
      type: elf.readUInt32LE(64),
      flags: elf.readUInt32LE(68),
      offset: elf.readBigUInt64LE(72),
      vaddr: elf.readBigUInt64LE(80),
      filesz: elf.readBigUInt64LE(96),
      memsz: elf.readBigUInt64LE(104),
    },
  };
}

describe('pause program', () => {
  it('x86-64: a 129-byte static executable whose one segment maps the whole file and enters the pause loop', () => {
    const elf = Buffer.from(pauseElf('x64'));
    expect(elf.length).toBe(129);
    const f = elfFields(elf);
    expect(f).toMatchObject({ magic: '\x7fELF', class: 2, endian: 1, type: 2, machine: 62, phoff: 64n, ehsize: 64, phentsize: 56, phnum: 1 });
    expect(f.ph).toEqual({ type: 1, flags: 5, offset: 0n, vaddr: 0x400000n, filesz: 129n, memsz: 129n });
    expect(f.entry).toBe(0x400000n + 120n);
    // mov eax, 34 (pause); syscall; jmp -9 → back to the mov
    expect([...elf.subarray(120)]).toEqual([0xb8, 34, 0, 0, 0, 0x0f, 0x05, 0xeb, 0xf7]);
  });

  it('arm64: calls ppoll (73) with null arguments and branches back to the first instruction', () => {
    const elf = Buffer.from(pauseElf('arm64'));
    const f = elfFields(elf);
    expect(f).toMatchObject({ magic: '\x7fELF', class: 2, machine: 183, phnum: 1 });
    expect(f.ph.filesz).toBe(BigInt(elf.length));
    const code = Array.from({ length: (elf.length - 120) / 4 }, (_, i) => elf.readUInt32LE(120 + i * 4));
    expect(code).toContain((0xd2800000 | (73 << 5) | 8) >>> 0);
    expect(code).toContain(0xd4000001);
    const branch = code[code.length - 1];
    const offsetWords = (branch & 0x3ffffff) - 0x4000000;
    expect(branch >>> 26).toBe(0b000101);
    expect(offsetWords).toBe(-(code.length - 1));
  });

  it('refuses a CPU it has no program for', () => {
    expect(() => pauseElf('riscv64')).toThrow(/SBX_PAUSE_IMAGE/);
  });
});

describe('pause image tag', () => {
  it('is versioned with the package so upgrades never reuse an older image', () => {
    delete process.env.SBX_PAUSE_IMAGE;
    expect(pauseImageRef()).toBe(`sbx-pause:${pkg.version}-${process.arch}`);
  });

  it('SBX_PAUSE_IMAGE overrides it', () => {
    process.env.SBX_PAUSE_IMAGE = 'registry.local/pause:3.9';
    try {
      expect(pauseImageRef()).toBe('registry.local/pause:3.9');
    } finally {
      delete process.env.SBX_PAUSE_IMAGE;
    }
  });
});

describe('tar archive', () => {
  it('is read back by tar with the name, mode and content it was given', () => {
    const data = Buffer.from('hello\n');
    const tar = tarArchive([{ name: 'pause', mode: 0o755, data }]);
    expect(tar.length % 512).toBe(0);
    const listing = execFileSync('tar', ['-tvf', '-'], { input: tar }).toString();
    expect(listing).toMatch(/^-rwxr-xr-x .* 6 .* pause$/m);
    expect(execFileSync('tar', ['-xOf', '-', 'pause'], { input: tar }).toString()).toBe('hello\n');
  });
});
