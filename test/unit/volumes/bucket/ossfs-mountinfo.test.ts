import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { deviceNumber, parseMountInfo, readMountTable } from '../../../../src/volumes/bucket/mountinfo.js';

describe('mount table', () => {
  it('reads mount point, device, type and source, unescaping octal escapes', () => {
    const text = [
      '22 1 0:21 / /proc rw,nosuid shared:5 - proc proc rw',
      '612 30 0:57 / /var/lib/sbx/ossfs/0123456789abcdef0123 rw,nosuid,nodev,relatime shared:330 - fuse.ossfs ossfs rw,user_id=0,group_id=0,allow_other',
      '613 30 0:58 / /tmp/with\\040space rw - fuse.s3fs s3fs rw',
    ].join('\n');
    expect(parseMountInfo(text)).toEqual([
      { mountId: 22, device: '0:21', mountPoint: '/proc', fsType: 'proc', source: 'proc' },
      { mountId: 612, device: '0:57', mountPoint: '/var/lib/sbx/ossfs/0123456789abcdef0123', fsType: 'fuse.ossfs', source: 'ossfs' },
      { mountId: 613, device: '0:58', mountPoint: '/tmp/with space', fsType: 'fuse.s3fs', source: 's3fs' },
    ]);
  });

  it('packs major:minor the way stat reports st_dev', async () => {
    expect(deviceNumber('0:57')).toBe('57');
    expect(deviceNumber('8:1')).toBe('2049');
    expect(deviceNumber('0:300')).toBe(String((300 & 0xff) | ((300 & ~0xff) << 12)));
    const proc = (await readMountTable()).find((m) => m.mountPoint === '/proc');
    const { stdout } = await execa('stat', ['-c', '%d', '/proc']);
    expect(deviceNumber(proc!.device)).toBe(stdout.trim());
  });
});
