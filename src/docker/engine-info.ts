import type { DockerClient } from './engine.js';

export interface EngineInfo {
  apiVersion: string;
  driver: string;
  backingFs: string;
  /** CPUs and bytes of memory the engine has; undefined where the engine does not say. */
  ncpu?: number;
  memTotal?: number;
}

/**
 * Read-only calls made only when an apply has containers to create; the API version (a second call)
 * only when a pvc sub_path depends on it, else apiVersion is ''.
 */
export async function engineInfo(docker: DockerClient, withApiVersion: boolean): Promise<EngineInfo> {
  return (await engineInfoFromApi(docker, withApiVersion)) ?? engineInfoFromCli(docker, withApiVersion);
}

interface ApiInfo {
  Driver?: string;
  DriverStatus?: [string, string][] | null;
  NCPU?: number;
  MemTotal?: number;
}

/** The same facts from the engine's API (`docker info` and `docker version` ask it the same), or undefined. */
async function engineInfoFromApi(docker: DockerClient, withApiVersion: boolean): Promise<EngineInfo | undefined> {
  if (!docker.api) return undefined;
  const [version, info] = await Promise.all([withApiVersion ? docker.api.get<{ ApiVersion?: string }>('/version') : { status: 200, body: { ApiVersion: '' } }, docker.api.get<ApiInfo>('/info')]);
  if (version?.status !== 200 || info?.status !== 200 || !info.body || typeof info.body.Driver !== 'string') return undefined;
  const backingFs = (Array.isArray(info.body.DriverStatus) ? info.body.DriverStatus : []).find(([k]) => k === 'Backing Filesystem')?.[1] ?? '';
  return { apiVersion: String(version.body?.ApiVersion ?? ''), driver: info.body.Driver, backingFs, ncpu: positive(String(info.body.NCPU)), memTotal: positive(String(info.body.MemTotal)) };
}

async function engineInfoFromCli(docker: DockerClient, withApiVersion: boolean): Promise<EngineInfo> {
  const [version, info] = await Promise.all([
    withApiVersion ? docker.run(['version', '--format', '{{.Server.APIVersion}}']) : { stdout: '' },
    docker.run(['info', '--format', '{{.Driver}}\t{{json .DriverStatus}}\t{{.NCPU}}\t{{.MemTotal}}']),
  ]);
  const [driver, statusJson, ncpu, memTotal] = info.stdout.split('\t');
  let backingFs = '';
  try {
    const status = JSON.parse(statusJson) as [string, string][] | null;
    backingFs = status?.find(([k]) => k === 'Backing Filesystem')?.[1] ?? '';
  } catch {
    /* older engines print no JSON here */
  }
  return { apiVersion: version.stdout.trim(), driver: driver.trim(), backingFs, ncpu: positive(ncpu), memTotal: positive(memTotal) };
}

function positive(text: string | undefined): number | undefined {
  const n = Number(text?.trim());
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** overlay2 enforces --storage-opt size= only on xfs with project quotas. */
export function supportsRootfsLimit(info: EngineInfo): boolean {
  return info.driver === 'overlay2' && info.backingFs === 'xfs';
}
