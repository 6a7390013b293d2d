import { describe, expect, test } from 'vitest';
import { NameAllocator, isLabelValue, isQualifiedName, toDnsLabel, toDnsSubdomain, toLabelValue } from '../../../src/render/names.js';
import { bytesQuantity, cpuQuantity, parseTmpfsSize } from '../../../src/render/quantity.js';

const MI = 1024 * 1024;

describe('names', () => {
  test.each([
    ['demo', 'demo'],
    ['My_Box', 'my-box'],
    ['a.b', 'a-b'],
    ['-x-', 'x'],
  ])('DNS label %s → %s', (raw, label) => expect(toDnsLabel(raw)).toBe(label));

  test('a DNS label is cut to 63 characters, with a hash so that long names stay distinct', () => {
    const a = toDnsLabel(`${'a'.repeat(70)}1`);
    const b = toDnsLabel(`${'a'.repeat(70)}2`);
    expect(a).toHaveLength(63);
    expect(a).not.toBe(b);
  });

  test.each([
    ['Demo.v1', 'demo.v1'],
    ['a_.b', 'a.b'],
    ['x.-y-', 'x.y'],
  ])('DNS subdomain %s → %s', (raw, name) => expect(toDnsSubdomain(raw)).toBe(name));

  test('label values', () => {
    expect(isLabelValue('Demo_1.x')).toBe(true);
    expect(isLabelValue('demo-')).toBe(false);
    expect(toLabelValue('demo')).toBe('demo');
    expect(isLabelValue(toLabelValue('demo-'))).toBe(true);
    expect(isLabelValue(toLabelValue('x'.repeat(100)))).toBe(true);
  });

  test('label keys', () => {
    expect(isQualifiedName('team')).toBe(true);
    expect(isQualifiedName('example.com/tier')).toBe(true);
    expect(isQualifiedName('Example.com/tier')).toBe(false);
    expect(isQualifiedName('has space')).toBe(false);
    expect(isQualifiedName('/x')).toBe(false);
  });

  test('the allocator keeps names unique', () => {
    const names = new NameAllocator(toDnsLabel);
    names.reserve('app-tmp');
    expect(names.take('Data')).toBe('data');
    expect(names.take('data')).not.toBe('data');
    expect(names.take('app-tmp')).not.toBe('app-tmp');
  });
});

describe('quantities', () => {
  test.each([
    [256 * MI, '256Mi'],
    [2 * 1024 * MI, '2Gi'],
    [1536 * 1024, '1536Ki'],
    [1000, '1000'],
    [26843545, '26843545'],
  ])('%d bytes → %s', (bytes, q) => expect(bytesQuantity(bytes)).toBe(q));

  test.each([
    [500, '500m'],
    [1000, '1'],
    [2500, '2500m'],
  ])('%d millicores → %s', (m, q) => expect(cpuQuantity(m)).toBe(q));

  test.each([
    ['16m', 16 * MI],
    ['1g', 1024 * MI],
    ['64k', 64 * 1024],
    ['65536', 65536],
    ['1.5m', 1.5 * MI],
    ['16MiB', 16 * MI],
  ])('tmpfs size=%s → %d bytes', (v, bytes) => expect(parseTmpfsSize(v)).toBe(bytes));

  test.each(['50%', '', 'lots', '0'])('tmpfs size=%s is not a fixed size', (v) => expect(parseTmpfsSize(v)).toBeUndefined());
});
