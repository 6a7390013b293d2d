import { IssueList, type Issue, type PendingWarning } from '../issues.js';
import { arr, obj, str } from '../loose.js';
import { checkArgumentSizes } from './argv-size.js';
import { checkContainers } from './containers.js';
import { checkEgress } from './egress.js';
import { checkPorts, checkReadinessProbe, checkTopLevel } from './sandbox.js';
import { checkVolumes } from './volumes.js';

/** Every rule the schema cannot express. Safe on documents that failed the schema. */
export function checkDocument(doc: Record<string, unknown>): { issues: Issue[]; warnings: PendingWarning[] } {
  const issues = new IssueList();
  const warnings: PendingWarning[] = [];
  checkTopLevel(doc, issues);
  checkArgumentSizes(doc, [], issues);
  const spec = obj(doc.spec);
  if (spec) {
    if (obj(spec.node_selector)) warnings.push({ path: ['spec', 'node_selector'], message: 'node_selector is ignored: sbx runs every sandbox on this host' });
    checkPorts(spec, issues);
    checkEgress(spec, issues);
    checkReadinessProbe(spec, issues);
    const volumes = checkVolumes(spec, issues, warnings);
    const declared = new Set(arr(spec.volumes).map((v) => str(obj(v)?.name)).filter((n): n is string => n !== undefined));
    const mounted = checkContainers(spec, volumes, declared, issues);
    arr(spec.volumes).forEach((v, i) => {
      const name = str(obj(v)?.name);
      if (name !== undefined && !mounted.has(name) && volumes.has(name)) {
        warnings.push({ path: ['spec', 'volumes', i, 'name'], message: `volume ${name} is not mounted by any container` });
      }
    });
  }
  return { issues: issues.items, warnings };
}
