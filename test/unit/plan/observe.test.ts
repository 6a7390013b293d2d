import { describe, expect, it } from 'vitest';
import { L } from '../../../src/labels.js';
import { containersPsArgs, observe, observeContainers, observeContainersSelecting, printableSelector } from '../../../src/plan/observe.js';
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

describe("asking the engine's API first", () => {
  const reader = (answer: (pathname: string, query: Record<string, string>) => unknown) => {
    const cli = new FakeDocker(() => ({ stdout: '' }));
    const asked: string[] = [];
    const api = {
      get: async <T>(pathname: string, query: Record<string, string> = {}) => {
        asked.push(`${pathname} ${query.filters ?? ''}`);
        const body = answer(pathname, query);
        return body === undefined ? undefined : { status: 200, body: body as T };
      },
    };
    return { docker: Object.assign(cli, { api }), cli, asked };
  };

  it("an API answer is read as docker ps would print it: the container's own name, sbx's labels only, creation time in ISO 8601", async () => {
    const { docker, cli, asked } = reader(() => [
      { Id: 'c1', Names: ['/other/alias', '/sbx-a..main'], State: 'running', Status: 'Up 2 seconds', Created: 1764892800, Labels: { [L.sandbox]: 'a', [L.role]: 'container', [L.container]: 'main', [L.egress]: '', unrelated: 'x' } },
    ]);
    const containers = await observeContainers(docker, 'a', ['team=ci']);
    expect(containers).toEqual([{ id: 'c1', name: 'sbx-a..main', state: 'running', status: 'Up 2 seconds', createdAt: '2025-12-05T00:00:00.000Z', labels: { [L.sandbox]: 'a', [L.role]: 'container', [L.container]: 'main' } }]);
    expect(asked).toEqual([`/containers/json ${JSON.stringify({ label: [`${L.sandbox}=a`, 'team=ci'] })}`]);
    expect(cli.calls).toEqual([]);
  });

  it('no API answer: the same question goes to the docker CLI', async () => {
    const { docker, cli } = reader(() => undefined);
    await observe(docker, 'a');
    expect(cli.calls.map((c) => c.slice(0, 2).join(' ')).sort()).toEqual(['network ls', 'ps -a', 'volume ls']);
  });

  it('volumes and networks from the API, with a null volume list read as none', async () => {
    const { docker, cli } = reader((pathname) => (pathname === '/volumes' ? { Volumes: null } : [{ Name: 'sbx-a', Labels: { [L.sandbox]: 'a', [L.role]: 'network' } }]));
    const seen = await observe(docker, 'a');
    expect(seen.volumes).toEqual([]);
    expect(seen.networks).toEqual([{ name: 'sbx-a', labels: { [L.sandbox]: 'a', [L.role]: 'network' } }]);
    expect(cli.calls).toEqual([]);
  });
});
