import { parseAllowEntry } from '../egress.js';
import type { IssueList } from '../issues.js';
import { arr, obj, str, type Obj } from '../loose.js';

/** Capabilities that would undo a network policy: NET_ADMIN rewrites the rules, NET_RAW sends frames past them. */
const POLICY_BREAKING_CAPS = new Set(['NET_ADMIN', 'NET_RAW', 'ALL']);

/** egress.allow entries, and cap_add entries that a network policy cannot coexist with. */
export function checkEgress(spec: Obj, issues: IssueList): void {
  const egress = spec.egress;
  const allow = obj(egress)?.allow;
  arr(allow).forEach((raw, i) => {
    if (typeof raw !== 'string') return;
    const parsed = parseAllowEntry(raw);
    if (!parsed.ok) issues.add(['spec', 'egress', 'allow', i], `egress.allow entry "${raw.slice(0, 80)}": ${parsed.problem}`);
  });
  if (egress !== true && !obj(egress)) return;
  const policy = egress === true ? 'egress: true' : 'an egress allow-list';
  arr(spec.containers).forEach((c, ci) => {
    arr(obj(c)?.cap_add).forEach((cap, i) => {
      const name = str(cap)?.toUpperCase().replace(/^CAP_/, '');
      if (name === undefined || !POLICY_BREAKING_CAPS.has(name)) return;
      issues.add(
        ['spec', 'containers', ci, 'cap_add', i],
        `cap_add ${str(cap)} is refused with ${policy}: ${name === 'NET_RAW' ? 'NET_RAW sends raw packets past the sandbox firewall' : name === 'NET_ADMIN' ? 'NET_ADMIN can rewrite the sandbox firewall' : 'ALL includes NET_ADMIN and NET_RAW, which would undo the sandbox firewall'}`,
        'remove it, or use egress: false (no network at all) if the container needs it',
      );
    });
  });
}
