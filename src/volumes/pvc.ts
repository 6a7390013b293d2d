import { SbxError } from '../errors.js';
import type { VolumeBackend } from './backend.js';
import type { BackendContext } from './types.js';

const unavailable = (): never => {
  throw new SbxError('DOCKER_FAILED', 'pvc volumes are not available yet');
};

export const pvcBackend: VolumeBackend = {
  preflight: async () => unavailable(),
  planned: () => unavailable(),
  prepare: async () => unavailable(),
  release: async () => undefined,
  afterRemove: async () => undefined,
  sweep: async () => [],
};
export async function removeCreatedPvcVolumes(_ctx: BackendContext): Promise<void> {}
