import type { DockerClient } from '../docker/engine.js';
import { engineInfo, type EngineInfo } from '../docker/engine-info.js';
import { imagesPresent } from '../docker/images.js';
import { pauseImageRef } from '../docker/pause-image.js';
import type { Sandbox } from '../manifest/model.js';
import { desiredSandbox, type DesiredContainer } from '../plan/desired.js';
import { imagesToResolve } from '../plan/images.js';
import { observedOf, observeNetworksAndVolumes, type Observed } from '../plan/observe.js';
import { needsApiVersion, volumeKinds } from '../volumes/index.js';

/** What the engine says to the read-only questions of a sandbox that is not converged. */
export interface EngineAnswers {
  listed: Omit<Observed, 'containers'>;
  info: EngineInfo;
  /** The images found among the pause image and those the containers name. */
  present: Set<string>;
}

/**
 * Networks and volumes (one sandbox's, or every sbx one's when `sandboxId` is undefined), the engine
 * facts, and the pause image with every image of `containers` in one inspect: all side by side.
 */
export async function engineAnswers(docker: DockerClient, sandboxId: string | undefined, containers: DesiredContainer[], pauseImage: string): Promise<EngineAnswers> {
  const [listed, info, present] = await Promise.all([
    observeNetworksAndVolumes(docker, sandboxId),
    engineInfo(docker, needsApiVersion(containers)),
    imagesPresent(docker, [pauseImage, ...imagesToResolve(containers).keys()]),
  ]);
  return { listed, info, present };
}

/**
 * The answers for all sandboxes of one command, asked once (not once per sandbox): started now when
 * `now`, else when a sandbox first needs them. The caller holds every sandbox's lock, so no other sbx
 * command changes their networks and volumes before each has planned.
 */
export function sharedEngineAnswers(docker: DockerClient, sandboxes: readonly Sandbox[], now: boolean): () => Promise<EngineAnswers> {
  let asked: Promise<EngineAnswers> | undefined;
  const ask = () => (asked ??= askAll(docker, sandboxes));
  // Marked handled: a failure is thrown to the sandboxes that await it, not as an unhandled rejection.
  if (now) ask().catch(() => undefined);
  return ask;
}

function askAll(docker: DockerClient, sandboxes: readonly Sandbox[]): Promise<EngineAnswers> {
  const pauseImage = pauseImageRef();
  const containers = sandboxes.flatMap((sb) => desiredSandbox(sb, { pauseImage, kinds: volumeKinds }).containers);
  return engineAnswers(docker, undefined, containers, pauseImage);
}

/** One sandbox's share of answers asked for all. */
export function answersFor(all: EngineAnswers, sandboxId: string): EngineAnswers {
  const { networks, volumes } = observedOf({ containers: [], ...all.listed }, sandboxId);
  return { ...all, listed: { networks, volumes } };
}
