import { SbxError } from '../../errors.js';
import type { BucketVolume } from '../../manifest/model.js';
import { mountOptionProblems } from '../../manifest/mount-options.js';
import type { BucketKind } from './adapter.js';
import { findMountBinary } from './binaries.js';

/** Everything about one bucket volume that can fail before any change: options, sub_paths, binary, credentials. */
export async function volumeProblems(kind: BucketKind, vol: BucketVolume, subPaths: (string | undefined)[]): Promise<SbxError[]> {
  const errors: SbxError[] = [];
  const adapter = kind.adapter(vol);
  for (const { option, problem } of vol.options.flatMap((entry) => mountOptionProblems(entry, adapter.tool))) {
    errors.push(new SbxError('MANIFEST_INVALID', `volume ${vol.name}: ${adapter.tool} option "${option}" ${problem}`));
  }
  for (const sp of subPaths) {
    if (sp?.split('/').includes('..') || sp?.startsWith('/')) {
      errors.push(new SbxError('SUBPATH_ESCAPE', `volume ${vol.name}: sub_path "${sp}" must stay inside the bucket prefix`));
    }
  }
  const checks: (() => unknown)[] = [() => findMountBinary(adapter, kind), () => kind.credentials(vol)];
  for (const check of checks) {
    try {
      await check();
    } catch (err) {
      if (err instanceof SbxError) errors.push(err);
      else throw err;
    }
  }
  return errors;
}
