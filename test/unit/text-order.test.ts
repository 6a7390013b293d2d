import { describe, expect, it } from 'vitest';
import { byText } from '../../src/text-order.js';

describe('byText', () => {
  it('orders by code unit, whatever the locale would say', () => {
    expect(['b', 'a-b', 'B', 'ab', 'a', '10', '9'].sort(byText)).toEqual(['10', '9', 'B', 'a', 'a-b', 'ab', 'b']);
  });
  it('gives 0 only for equal strings', () => {
    expect(byText('x', 'x')).toBe(0);
    expect(byText('x', 'y')).toBeLessThan(0);
    expect(byText('y', 'x')).toBeGreaterThan(0);
  });
});
