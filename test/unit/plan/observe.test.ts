import { describe, expect, it } from 'vitest';
import { L } from '../../../src/labels.js';
import { containersPsArgs, observeContainersSelecting, printableSelector } from '../../../src/plan/observe.js';
import { FakeDocker } from '../../helpers/fake-docker.js';

const SEP = '\u001f';
/** A `docker ps` line as the format of containersPsArgs(undefined, [], printed) prints it. */
function psLine(name: string, sandbox: string, printed: string[]): string {
  const own = containersPsArgs().at(-1)!.split(SEP).length - 5;
  const labels = Array.from({ length: own }, (_, i) => (i === 0 ? sandbox : ''));
  return [`id-${name}`, name, 'running', 'Up', '2026-12-03 10:00:00 +0000 UTC', ...labels, ...printed].join(SEP);
}

describe('selecting containers by printed labels', () => {
  it('takes KEY=VALUE selectors with plain keys, and leaves KEY alone, empty values and odd keys to docker', () => {
    expect(printableSelector([])).toEqual([]);
    expect(printableSelector(['team=a', 'sbx-bench/run=m10-0'])).toEqual([['team', 'a'], ['sbx-bench/run', 'm10-0']]);
    expect(printableSelector(['team=a=b'])).toEqual([['team', 'a=b']]);
    expect(printableSelector(['team'])).toBeUndefined();
    expect(printableSelector(['team=a', 'owner='])).toBeUndefined();
    expect(printableSelector(['te"am=a'])).toBeUndefined();
  });

  it('prints the selector labels after sbx own ones and keeps the containers whose values all match', async () => {
    const docker = new FakeDocker(() => ({
      stdout: [psLine('a1', 'a', ['x', '1']), psLine('b1', 'b', ['x', '2']), psLine('c1', 'c', ['', '1']), psLine('d1', 'd', ['xx', '1'])].join('\n'),
    }));
    const { containers, selected } = await observeContainersSelecting(docker, [['team', 'x'], ['tier', '1']]);
    expect(containers.map((c) => [c.name, c.labels[L.sandbox]])).toEqual([['a1', 'a'], ['b1', 'b'], ['c1', 'c'], ['d1', 'd']]);
    expect(selected.map((c) => c.name)).toEqual(['a1']);
    const format = docker.calls[0].at(-1)!;
    expect(format.endsWith(`{{.Label "team"}}${SEP}{{.Label "tier"}}`)).toBe(true);
    expect(docker.calls[0]).not.toContain('label=team=x');
  });
});
