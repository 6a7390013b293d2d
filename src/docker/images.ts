import { SbxError } from '../errors.js';
import { classifyPullStderr, dockerError } from './classify.js';
import type { DockerClient } from './engine.js';

/**
 * The images of `refs` that are on the engine: one `docker image inspect` for all of them. Docker
 * prints an id per image found and a "No such image: REF" line per one missing; when those do not add
 * up to every ref (a CLI wording this does not know), each ref is asked alone.
 */
export async function imagesPresent(docker: DockerClient, refs: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(refs)];
  const viaApi = await imagesPresentFromApi(docker, unique);
  if (viaApi) return viaApi;
  if (unique.length < 2) return imagesPresentOneByOne(docker, unique);
  const r = await docker.run(inspectArgs(unique), { allowFailure: true, what: `inspect images ${unique.join(', ')}` });
  if (r.exitCode === 0) return new Set(unique);
  const missing = missingImages(unique, r.stderr);
  const found = r.stdout.split('\n').filter(Boolean).length;
  if (missing && found + missing.size === unique.length) return new Set(unique.filter((ref) => !missing.has(ref)));
  return imagesPresentOneByOne(docker, unique);
}

/**
 * The engine's API, one request per image side by side (`docker image inspect` asks the same), or
 * undefined when any answer is other than found or not found: then the CLI is asked, and its error says why.
 */
async function imagesPresentFromApi(docker: DockerClient, refs: readonly string[]): Promise<Set<string> | undefined> {
  const api = docker.api;
  // A reference is a path segment here: one with other characters is left to the CLI.
  if (!api || !refs.every((r) => /^[\w./:@-]+$/.test(r))) return undefined;
  const answers = await Promise.all(refs.map((r) => api.get<unknown>(`/images/${r}/json`)));
  if (answers.some((a) => a === undefined)) return undefined;
  return new Set(refs.filter((_, i) => answers[i]?.status === 200));
}

function inspectArgs(refs: readonly string[]): string[] {
  return ['image', 'inspect', '--format', '{{.Id}}', ...refs];
}

/**
 * The refs docker said are missing, or undefined when its stderr says anything else. Docker 20.10's CLI
 * writes "Error: No such image: REF"; later CLIs "Error response from daemon: no such image: REF: No
 * such image: NORMALISED" — REF as given, then ": " or the end of the line.
 */
export function missingImages(refs: readonly string[], stderr: string): Set<string> | undefined {
  const missing = new Set<string>();
  for (const line of stderr.split('\n').filter((l) => l.trim())) {
    const ref = refs.find((r) => line.includes(`such image: ${r}: `) || line.endsWith(`such image: ${r}`));
    if (!ref || !/no such image/i.test(line)) return undefined;
    missing.add(ref);
  }
  return missing;
}

async function imagesPresentOneByOne(docker: DockerClient, refs: readonly string[]): Promise<Set<string>> {
  const found = await Promise.all(
    refs.map(async (ref) => {
      const r = await docker.run(inspectArgs([ref]), { allowFailure: true, what: `inspect image ${ref}` });
      if (r.exitCode === 0) return ref;
      if (/No such image/i.test(r.stderr)) return undefined;
      // Anything else (engine down, bad reference) is an error of its own, not a missing image.
      throw dockerError(['image', 'inspect'], r.stderr, `inspect image ${ref}`);
    }),
  );
  return new Set(found.filter((r): r is string => r !== undefined));
}

/** What a pull has done so far, from docker's own progress lines. */
export interface PullProgress {
  image: string;
  status: 'pulling' | 'done' | 'failed';
  /** Layers docker named, and those finished (pulled or already present). */
  layers: number;
  layersDone: number;
  layersPresent: number;
  digest?: string;
}

/**
 * `docker pull` with its progress parsed line by line (docker's non-TTY output: "<layer>: Pull
 * complete", "Digest: …"). Credentials are docker's own (its config and --context); sbx never sees them.
 * A failure throws IMAGE_NOT_FOUND, IMAGE_PULL_DENIED or IMAGE_PULL_FAILED with docker's reason.
 */
export async function pullImage(docker: DockerClient, args: readonly string[], onProgress: (p: PullProgress) => void): Promise<void> {
  const image = args[args.length - 1];
  const layers = new Map<string, 'pending' | 'done' | 'present'>();
  let digest: string | undefined;
  const stderr: string[] = [];
  const progress = (status: PullProgress['status']): PullProgress => {
    const states = [...layers.values()];
    const layersPresent = states.filter((s) => s === 'present').length;
    return { image, status, layers: states.length, layersDone: states.filter((s) => s !== 'pending').length, layersPresent, ...(digest ? { digest } : {}) };
  };
  const code = await docker.stream(args, (line, stream) => {
    if (stream === 'stderr') return void stderr.push(line);
    const layer = /^([0-9a-f]{12}): (.+)$/.exec(line.trim());
    if (layer) {
      const [, id, what] = layer;
      const state = /^(Pull complete|Already exists)/.test(what) ? (what.startsWith('Already') ? 'present' : 'done') : (layers.get(id) ?? 'pending');
      if (layers.get(id) === state) return;
      layers.set(id, state);
      return onProgress(progress('pulling'));
    }
    const d = /^Digest: (\S+)/.exec(line.trim());
    if (d) digest = d[1];
  });
  if (code !== 0) {
    onProgress(progress('failed'));
    throw pullError(image, stderr.join('\n'));
  }
  onProgress(progress('done'));
}

const HINTS = {
  IMAGE_NOT_FOUND: 'check the image name and tag',
  IMAGE_PULL_DENIED: 'run `docker login REGISTRY` (sbx pulls with docker\'s credentials), or check the repository name',
  IMAGE_PULL_FAILED: 'check that the engine can reach the registry; offline, load the image and set image_pull_policy: never',
} as const;

export function pullError(image: string, stderr: string): SbxError {
  if (/Cannot connect to the Docker daemon|Is the docker daemon running/i.test(stderr)) return dockerError(['pull', image], stderr, `pull image ${image}`);
  const code = classifyPullStderr(stderr);
  const reason = stderr.split('\n').map((l) => l.trim().replace(/^Error response from daemon:\s*/i, '')).filter(Boolean).slice(-2).join(' | ') || 'docker pull failed';
  return new SbxError(code, `pull image ${image}: ${reason}`, { hint: HINTS[code] });
}
