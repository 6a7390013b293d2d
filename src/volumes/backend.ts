import type { Volume, VolumeMount } from '../manifest/model.js';
import type { DesiredContainer, DesiredMount } from '../plan/desired.js';
import type { HeldResource } from '../plan/mounts.js';
import type { OwnedVolumeSpec } from '../plan/volume-kinds.js';
import type { PlanStep } from '../plan/steps.js';
import type { BackendContext, PreparedMount } from './types.js';

export interface GcAction {
  what: string;
  reason: string;
}

/**
 * One storage backend (tmpfs, pvc, host, ossfs, ...). Every function gets only the mounts of its own kind.
 * Order during apply: preflight (all containers, before any change) → prepare (right before each
 * `docker create`) → the generic verify against `docker inspect` → on failure release.
 */
export interface VolumeBackend {
  /** Key of the shared host mount a volume mount uses (labels its users; part of the config hash); none for Docker-held kinds. */
  mountKey?(vol: Volume, vm: VolumeMount): string;
  /** What a mount is of, for the container's config hash (plan/volume-kinds.ts). Never a secret. */
  mountSource(vol: Volume, mount: { mountKey?: string; ownedVolume?: string }): string | undefined;
  /** The Docker volume the sandbox owns for a volume of this kind (a plan step creates it, delete removes it). */
  ownedVolume?(vol: Volume): OwnedVolumeSpec;
  /** The engine must see this host's filesystem (refused on a remote engine). */
  needsEngineHost(ctx: BackendContext, m: DesiredMount): boolean;
  /** The plan depends on the engine's API version. */
  needsApiVersion?(m: DesiredMount): boolean;
  /** A converged apply may be recorded for the fast no-op (false when it depends on the environment or a live daemon). */
  recordable: boolean;
  /** Checks that can fail on bad input or host state; no side effects. Throws SbxError (or SbxErrors). */
  preflight(ctx: BackendContext, mounts: { m: DesiredMount; dc: DesiredContainer }[]): Promise<void>;
  /** Docker volumes to create before any container (plan steps, so --dry-run shows them and rollback undoes them). */
  volumeSteps?(ctx: BackendContext, mounts: { m: DesiredMount; dc: DesiredContainer }[]): Promise<PlanStep[]>;
  /** What --dry-run shows; no side effects, no secrets. */
  planned(ctx: BackendContext, m: DesiredMount, dc: DesiredContainer): PreparedMount;
  /** Re-check and make the source bindable, right before the container is created. */
  prepare(ctx: BackendContext, m: DesiredMount, dc: DesiredContainer): Promise<PreparedMount>;
  /** A running container's mount whose host side died and can be repaired in place (repair-mounts); no side effects. */
  needsRepair?(ctx: BackendContext, m: PreparedMount): Promise<boolean>;
  /** Make a mount that needsRepair() named work again for the running containers that use it. */
  repair?(ctx: BackendContext, m: DesiredMount): Promise<void>;
  /** Undo prepare() for mounts whose container was not created (rollback). Never throws. */
  release(ctx: BackendContext, mounts: PreparedMount[]): Promise<void>;
  /**
   * Containers are gone: free what they held (their labels' held resources of this backend, and those
   * earlier versions recorded without a backend). Caller holds the locks of their shared mount keys (mountLockNames).
   */
  afterRemove(ctx: BackendContext, held: HeldResource[]): Promise<void>;
  /** `sbx delete --volumes`: remove the Docker volumes volumeSteps() created for this sandbox that nothing uses. */
  removeCreated?(ctx: BackendContext): Promise<void>;
  /** `sbx gc`: host-side leftovers no container references. */
  sweep(ctx: BackendContext, dryRun: boolean): Promise<GcAction[]>;
}
