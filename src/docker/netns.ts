import type { DockerClient } from './engine.js';

/** The network namespace a running container holds: its init pid on this host, and its bridge address if any. */
export interface ContainerNetns {
  pid: number;
  /** e.g. "172.18.0.2/16" (the first network's address). */
  address?: string;
}

export async function containerNetns(docker: DockerClient, name: string): Promise<ContainerNetns> {
  const format = '{{.State.Pid}}{{range .NetworkSettings.Networks}} {{.IPAddress}}/{{.IPPrefixLen}}{{end}}';
  const { stdout } = await docker.run(['inspect', '--type', 'container', '--format', format, name], { what: `inspect ${name}` });
  const [pid, address] = stdout.trim().split(/\s+/);
  return { pid: Number(pid), address: address && !address.startsWith('/') ? address : undefined };
}
