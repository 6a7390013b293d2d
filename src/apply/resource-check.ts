import type { EngineInfo } from '../docker/engine-info.js';
import { SbxError, SbxErrors } from '../errors.js';
import { formatBytes } from '../manifest/input-limits.js';
import type { Sandbox } from '../manifest/model.js';
import type { DesiredContainer } from '../plan/desired.js';

/**
 * A container asking for more CPUs or memory than the engine has would fail inside `docker create`
 * after the infra container exists: refused before anything is created.
 */
export function checkResources(sandbox: Sandbox, toCreate: readonly DesiredContainer[], info: EngineInfo | undefined): void {
  if (!info) return;
  const errors: SbxError[] = [];
  for (const dc of toCreate) {
    const index = sandbox.containers.findIndex((c) => c.name === dc.name);
    const at = (field: string) => ({ file: sandbox.source.file, path: `spec.containers[${index}].resource.${field}` });
    const { cpuMillis, memoryBytes } = dc.spec.resource;
    if (info.ncpu !== undefined && cpuMillis > info.ncpu * 1000) {
      errors.push(new SbxError('RESOURCE_UNSATISFIABLE', `container ${dc.name} asks for ${cpuMillis / 1000} CPUs; the engine has ${info.ncpu}`, at('cpu')));
    }
    if (info.memTotal !== undefined && memoryBytes > info.memTotal) {
      const message = `container ${dc.name} asks for ${formatBytes(memoryBytes)} of memory; the engine has ${formatBytes(info.memTotal)} (${info.memTotal} bytes) in total`;
      errors.push(new SbxError('RESOURCE_UNSATISFIABLE', message, at('memory')));
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length) throw new SbxErrors(errors);
}
