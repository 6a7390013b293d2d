import type { IVolume, IVolumeMount } from 'kubernetes-models/v1';
import type { Container } from '../manifest/model.js';
import { tmpSizeBytes } from '../plan/tmp-budget.js';
import type { SandboxContext } from './context.js';
import { bytesQuantity, parseTmpfsSize } from './quantity.js';

export interface ContainerTmpfs {
  volumes: IVolume[];
  mounts: IVolumeMount[];
}

function memoryVolume(name: string, sizeBytes: number | undefined): IVolume {
  return { name, emptyDir: { medium: 'Memory', ...(sizeBytes ? { sizeLimit: bytesQuantity(sizeBytes) } : {}) } };
}

/**
 * A container's private tmpfs mounts as memory-backed emptyDirs: the automatic /tmp sized from the
 * ephemeral storage budget (unless the container declares its own /tmp), then its `tmpfs` entries.
 */
export function containerTmpfs(ctx: SandboxContext, c: Container, base: string, containerName: string): ContainerTmpfs {
  const out: ContainerTmpfs = { volumes: [], mounts: [] };
  if (!c.tmpfs.some((t) => t.mountPath === '/tmp')) {
    const name = ctx.volumeNames.take(`${containerName}-tmp`);
    out.volumes.push(memoryVolume(name, tmpSizeBytes(c.resource.ephemeralStorageBytes)));
    out.mounts.push({ name, mountPath: '/tmp' });
  }
  c.tmpfs.forEach((t, i) => {
    const path = `${base}.tmpfs[${i}].options`;
    let size: number | undefined;
    let readOnly = false;
    for (const opt of t.options.split(',').filter(Boolean)) {
      const [key, value] = opt.split(/=(.*)/s);
      if (key === 'size') {
        size = parseTmpfsSize(value ?? '');
        if (size === undefined) ctx.note(path, `"${opt}" is not a fixed size; the emptyDir gets no sizeLimit`);
      } else if (key === 'mode') {
        ctx.note(path, `"${opt}": emptyDir directories are always world-writable (0777) without the sticky bit; left out`);
      } else if (key === 'ro') readOnly = true;
      else if (key !== 'rw') ctx.note(path, `tmpfs option "${opt}" has no emptyDir equivalent; left out`);
    }
    const name = ctx.volumeNames.take(t.mountPath === '/tmp' ? `${containerName}-tmp` : `${containerName}-tmpfs-${i}`);
    out.volumes.push(memoryVolume(name, size));
    out.mounts.push({ name, mountPath: t.mountPath, ...(readOnly ? { readOnly: true } : {}) });
  });
  return out;
}
