import { describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderToText } from '../../../src/render/index.js';
import { container, everything, sandbox } from './fixtures.js';
import { render } from './helpers.js';

describe('renderToText', () => {
  test('yaml: one document per object, separated by ---, reading back to the same objects', () => {
    const r = render([everything(), sandbox()]);
    const text = renderToText(r, 'yaml');
    const docs = parseAllDocuments(text).map((d) => d.toJS());
    expect(docs).toEqual(JSON.parse(JSON.stringify(r.objects)));
    expect(text.split(/^---$/m)).toHaveLength(r.objects.length);
  });

  test('yaml: quantities and strings that look like numbers stay strings', () => {
    const r = render([everything()]);
    const docs = parseAllDocuments(renderToText(r, 'yaml')).map((d) => d.toJS());
    const p = docs.find((d) => d.kind === 'Pod');
    expect(p.spec.containers[1].resources.limits.cpu).toBe('1');
  });

  test('yaml: strings that YAML 1.1 (kubectl) would read as booleans, numbers or times stay strings', () => {
    const values = ['yes', 'on', 'off', 'y', 'N', '1_000', '12:30', '2020-01-01', '0755', 'true', '~'];
    const env = values.map((v, i) => `V${i}=${v}`);
    const text = renderToText(render([sandbox({ containers: [container('app', { env })] })]), 'yaml');
    const p = parseAllDocuments(text, { version: '1.1' }).map((d) => d.toJS()).find((d) => d.kind === 'Pod');
    expect(p.spec.containers[0].env.map((e: { value: unknown }) => e.value)).toEqual(values);
  });

  test('yaml: an object used twice in one document is written out twice, not as an alias', () => {
    const labels = { a: 'b' };
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels, annotations: labels }, spec: { containers: [] } } as const;
    const text = renderToText({ objects: [pod as never], notes: [] }, 'yaml');
    expect(text).not.toMatch(/[&*]a\d/);
  });

  test('json: a v1 List of the objects', () => {
    const r = render([sandbox()]);
    const list = JSON.parse(renderToText(r, 'json'));
    expect(list).toEqual({ apiVersion: 'v1', kind: 'List', items: JSON.parse(JSON.stringify(r.objects)) });
  });

  test('no sandboxes: empty yaml and an empty List', () => {
    const r = render([]);
    expect(renderToText(r, 'yaml')).toBe('');
    expect(JSON.parse(renderToText(r, 'json')).items).toEqual([]);
  });
});
