import type { DockerClient } from './engine.js';

/**
 * Where the engine lives. A unix socket (or Windows named pipe) is this host's engine; tcp:// and
 * ssh:// endpoints may be any host, so backends that hand the engine a path on this host refuse them.
 */
export async function engineEndpoint(docker: DockerClient): Promise<string> {
  const contextName = docker.context ?? (process.env.DOCKER_HOST ? undefined : process.env.DOCKER_CONTEXT);
  if (!contextName && process.env.DOCKER_HOST) return process.env.DOCKER_HOST;
  const args = ['context', 'inspect', '--format', '{{.Endpoints.docker.Host}}'];
  if (contextName) args.push(contextName);
  const { stdout, exitCode } = await docker.run(args, { allowFailure: true });
  return exitCode === 0 && stdout.trim() ? stdout.trim() : 'unix:///var/run/docker.sock';
}

export function isLocalEndpoint(endpoint: string): boolean {
  return /^(unix|npipe):\/\//.test(endpoint);
}
