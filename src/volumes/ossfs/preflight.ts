import { SbxError } from '../../errors.js';
import type { OssfsVolume } from '../../manifest/model.js';
import { findOssfsBinary } from './binaries.js';
import { mountOptionProblems } from '../../manifest/mount-options.js';
import { optionTool } from './command.js';
import { resolveCredentials } from './credentials.js';

/** Everything about one ossfs volume that can fail before any change: options, sub_paths, binary, credentials. */
export async function volumeProblems(vol: OssfsVolume, subPaths: (string | undefined)[]): Promise<SbxError[]> {
  const errors: SbxError[] = [];
  for (const { option, problem } of vol.options.flatMap((entry) => mountOptionProblems(entry, optionTool(vol.version)))) {
    errors.push(new SbxError('MANIFEST_INVALID', `volume ${vol.name}: ossfs option "${option}" ${problem}`));
  }
  for (const sp of subPaths) {
    if (sp?.split('/').includes('..') || sp?.startsWith('/')) {
      errors.push(new SbxError('SUBPATH_ESCAPE', `volume ${vol.name}: sub_path "${sp}" must stay inside the bucket prefix`));
    }
  }
  const checks: (() => unknown)[] = [() => findOssfsBinary(vol.version), () => resolveCredentials(vol)];
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
