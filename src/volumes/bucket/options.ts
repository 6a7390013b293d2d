import { SbxError } from '../../errors.js';
import type { BucketVolume } from '../../manifest/model.js';
import { mountOptionProblems, splitOptionEntry, type MountTool } from '../../manifest/mount-options.js';

/** The volume's options one by one, as the tool reads them (a comma-separated `-o` entry is several). */
export function toolOptions(vol: BucketVolume, tool: MountTool): string[] {
  return vol.options.flatMap((entry) => splitOptionEntry(entry, tool));
}

/** Refuses what the loader refuses too: this guards the argv and config built from the options. */
export function assertSafeOptions(vol: BucketVolume, tool: MountTool): void {
  const problems = vol.options.flatMap((entry) => mountOptionProblems(entry, tool));
  if (problems.length) throw new SbxError('MANIFEST_INVALID', `volume ${vol.name}: ${tool} option "${problems[0].option}" ${problems[0].problem}`);
}
