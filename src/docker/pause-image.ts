import { SbxError } from '../errors.js';
import { tarArchive } from './tar.js';

/** Bump together with package.json so a new release never reuses an older pause image. */
const SBX_VERSION = '0.1.0';

/** The infra container's image: $SBX_PAUSE_IMAGE, or the pause image sbx builds locally. */
export function pauseImageRef(): string {
  return process.env.SBX_PAUSE_IMAGE || `sbx-pause:${SBX_VERSION}-${process.arch}`;
}

/** Whether the infra image is among the images found on the engine (sbx never pulls it). */
export function pauseImageFound(ref: string, present: ReadonlySet<string>): boolean {
  if (present.has(ref)) return true;
  if (process.env.SBX_PAUSE_IMAGE) {
    throw new SbxError('IMAGE_NOT_FOUND', `pause image ${ref} (SBX_PAUSE_IMAGE) is not present on the engine; sbx never pulls it`, {
      hint: `load it first (docker pull/load ${ref}) or unset SBX_PAUSE_IMAGE to let sbx build its own`,
    });
  }
  return false;
}

/** sbx's own pause image: one static program built from bytes, `docker import`ed (as podman does). */
export function pauseImageTar(): Uint8Array {
  return tarArchive([{ name: 'pause', mode: 0o755, data: pauseElf(process.arch) }]);
}

const LOAD_ADDRESS = 0x400000n;
const ELF_HEADER_SIZE = 64;
const PROGRAM_HEADER_SIZE = 56;

/** Machine code that waits forever, per CPU; each sleeps in a syscall and loops when woken. */
const WAIT_LOOPS: Record<string, { machine: number; code: number[] }> = {
  x64: {
    machine: 0x3e, // EM_X86_64
    // mov eax, 34 (pause); syscall; jmp back to the mov
    code: [0xb8, 0x22, 0x00, 0x00, 0x00, 0x0f, 0x05, 0xeb, 0xf7],
  },
  arm64: {
    machine: 0xb7, // EM_AARCH64; arm64 has no pause(2): ppoll(NULL, 0, NULL, NULL, 0) waits for a signal
    code: words([
      0xd2800000, // mov x0, #0
      0xd2800001, // mov x1, #0
      0xd2800002, // mov x2, #0
      0xd2800003, // mov x3, #0
      0xd2800004, // mov x4, #0
      0xd2800928, // mov x8, #73 (ppoll)
      0xd4000001, // svc #0
      0x17fffff9, // b back to the first mov
    ]),
  },
};

/** A complete static ELF executable: header, one loadable segment covering the file, the wait loop. */
export function pauseElf(arch: string): Uint8Array {
  const loop = WAIT_LOOPS[arch];
  if (!loop) throw new SbxError('IMAGE_NOT_FOUND', `sbx cannot build a pause image for CPU ${arch}; set SBX_PAUSE_IMAGE to a local image`);
  const codeOffset = ELF_HEADER_SIZE + PROGRAM_HEADER_SIZE;
  const size = codeOffset + loop.code.length;
  const elf = Buffer.alloc(size);
  elf.set([0x7f, 0x45, 0x4c, 0x46, 2 /* 64-bit */, 1 /* little endian */, 1 /* ELF v1 */, 0 /* System V */], 0);
  elf.writeUInt16LE(2, 16); // ET_EXEC
  elf.writeUInt16LE(loop.machine, 18);
  elf.writeUInt32LE(1, 20);
  elf.writeBigUInt64LE(LOAD_ADDRESS + BigInt(codeOffset), 24); // entry point
  elf.writeBigUInt64LE(BigInt(ELF_HEADER_SIZE), 32); // program headers right after this header
  elf.writeUInt16LE(ELF_HEADER_SIZE, 52);
  elf.writeUInt16LE(PROGRAM_HEADER_SIZE, 54);
  elf.writeUInt16LE(1, 56);
  const ph = ELF_HEADER_SIZE;
  elf.writeUInt32LE(1, ph); // PT_LOAD
  elf.writeUInt32LE(5, ph + 4); // PF_R | PF_X
  elf.writeBigUInt64LE(0n, ph + 8);
  elf.writeBigUInt64LE(LOAD_ADDRESS, ph + 16);
  elf.writeBigUInt64LE(LOAD_ADDRESS, ph + 24);
  elf.writeBigUInt64LE(BigInt(size), ph + 32);
  elf.writeBigUInt64LE(BigInt(size), ph + 40);
  elf.writeBigUInt64LE(0x1000n, ph + 48);
  elf.set(loop.code, codeOffset);
  return elf;
}

function words(instructions: number[]): number[] {
  const buf = Buffer.alloc(instructions.length * 4);
  instructions.forEach((w, i) => buf.writeUInt32LE(w, i * 4));
  return [...buf];
}
