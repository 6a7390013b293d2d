import type { DockerClient } from './engine.js';

export interface EngineInfo {
  apiVersion: string;
  driver: string;
  backingFs: string;
}

/**
 * Read-only calls made only when an apply has containers to create; the API version (a second call)
 * only when a pvc sub_path depends on it, else apiVersion is ''.
 */
export async function engineInfo(docker: DockerClient, withApiVersion: boolean): Promise<EngineInfo> {
  const [version, info] = await Promise.all([
    withApiVersion ? docker.run(['version', '--format', '{{.Server.APIVersion}}']) : { stdout: '' },
    docker.run(['info', '--format', '{{.Driver}}\t{{json .DriverStatus}}']),
  ]);
  const [driver, statusJson] = info.stdout.split('\t');
  let backingFs = '';
  try {
    const status = JSON.parse(statusJson) as [string, string][] | null;
    backingFs = status?.find(([k]) => k === 'Backing Filesystem')?.[1] ?? '';
  } catch {
    /* older engines print no JSON here */
  }
  return { apiVersion: version.stdout.trim(), driver: driver.trim(), backingFs };
}

/** overlay2 enforces --storage-opt size= only on xfs with project quotas. */
export function supportsRootfsLimit(info: EngineInfo): boolean {
  return info.driver === 'overlay2' && info.backingFs === 'xfs';
}
