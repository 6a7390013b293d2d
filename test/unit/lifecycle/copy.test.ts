import { describe, expect, it } from 'vitest';
import { mountHolding } from '../../../src/lifecycle/copy.js';

const m = (Destination: string, RW = true) => ({ Destination, RW, Type: 'volume' });

describe('the mount holding a copy destination', () => {
  it('is the deepest mount point at or above the path, on path segments', () => {
    const mounts = [m('/data'), m('/data/ro', false), m('/database')];
    expect(mountHolding('/data/ro/x', mounts)).toEqual(m('/data/ro', false));
    expect(mountHolding('/data/ro', mounts)).toEqual(m('/data/ro', false));
    expect(mountHolding('/data/rox', mounts)).toEqual(m('/data'));
    expect(mountHolding('/database/', mounts)).toEqual(m('/database'));
    expect(mountHolding('/etc/x', mounts)).toBeUndefined();
  });
});
