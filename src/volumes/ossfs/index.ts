import { SbxError } from '../../errors.js';
import type { OssfsVolume, VolumeMount } from '../../manifest/model.js';
import type { VolumeBackend } from '../backend.js';

const unavailable = (): never => {
  throw new SbxError('OSSFS_BINARY_NOT_FOUND', 'ossfs volumes are not available yet');
};

export function ossfsKeyFor(vol: OssfsVolume, vm: VolumeMount): string {
  return `${vol.bucket}:${vol.prefix}:${vm.subPath ?? ''}`;
}

export const ossfsBackend: VolumeBackend = {
  preflight: async () => unavailable(),
  planned: () => unavailable(),
  prepare: async () => unavailable(),
  release: async () => undefined,
  afterRemove: async () => undefined,
  sweep: async () => [],
};
