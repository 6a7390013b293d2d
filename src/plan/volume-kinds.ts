import type { Volume, VolumeMount } from '../manifest/model.js';

/**
 * What the planner asks of a volume's backend. The backends implement it (volumes/), so the planner
 * decides how volumes become Docker objects and config hashes without naming any kind.
 */
export interface VolumeKinds {
  /** Key of the shared host mount a volume mount uses (its users are labelled with it), if the kind has one. */
  mountKey(vol: Volume, vm: VolumeMount): string | undefined;
  /** What a mount is of, for the container's config hash: a change recreates the container. Never a secret. */
  mountSource(vol: Volume, mount: { mountKey?: string; ownedVolume?: string }): string | undefined;
  /** The Docker volume the sandbox owns for this volume (created and removed with it), if the kind has one. */
  ownedVolume(vol: Volume): OwnedVolumeSpec | undefined;
}

export interface OwnedVolumeSpec {
  /** What the volume is made of: a change makes a new volume, swapped in once the containers using it are replaced. */
  identity: unknown;
  /** `docker volume create` options (driver and its --opt pairs); labels and name are the planner's. */
  createOptions: string[];
  /** The cause a replacement shows, e.g. "size changed". */
  changeCause: string;
}
