import { SbxError } from '../errors.js';
import type { ImagePullPolicy } from '../manifest/model.js';
import { byText } from '../text-order.js';
import type { DesiredContainer } from './desired.js';
import type { PlanStep } from './steps.js';

/** Several containers with one image: the most eager policy decides (always, then if_not_present, then never). */
const EAGERNESS: Record<ImagePullPolicy, number> = { never: 0, if_not_present: 1, always: 2 };

/** The distinct images of the containers a plan creates, each with the policy that decides its pull. */
export function imagesToResolve(toCreate: readonly DesiredContainer[]): Map<string, ImagePullPolicy> {
  const out = new Map<string, ImagePullPolicy>();
  for (const dc of toCreate) {
    const was = out.get(dc.spec.image);
    const policy = dc.spec.imagePullPolicy;
    if (was === undefined || EAGERNESS[policy] > EAGERNESS[was]) out.set(dc.spec.image, policy);
  }
  return out;
}

/**
 * One pull step per image that must be pulled (phase 'images': before anything is created, all side
 * by side). A missing image under `never` fails here, before any step runs.
 */
export function imageSteps(images: ReadonlyMap<string, ImagePullPolicy>, present: ReadonlySet<string>): PlanStep[] {
  const steps: PlanStep[] = [];
  for (const [image, policy] of [...images].sort(([a], [b]) => byText(a, b))) {
    const here = present.has(image);
    if (policy === 'never' && !here) {
      throw new SbxError('IMAGE_NOT_FOUND', `image ${image} is not on the engine and its image_pull_policy is never`, {
        hint: `load or pull it first (docker pull ${image}), or set image_pull_policy: if_not_present`,
      });
    }
    if (policy === 'never' || (policy === 'if_not_present' && here)) continue;
    steps.push({
      action: 'pull',
      resource: `image ${image}`,
      cause: policy === 'always' ? 'image_pull_policy: always' : 'missing on the engine',
      phase: 'images',
      run: [{ kind: 'docker', args: ['pull', image], what: `pull image ${image}`, pull: true }],
      undo: [],
    });
  }
  return steps;
}
