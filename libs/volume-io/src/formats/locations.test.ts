import { describe, expect, it } from 'vitest';
import { splitFileUrl } from './index';

describe('splitFileUrl', () => {
  it('splits paths and URLs into parent folder and name', () => {
    expect(splitFileUrl('/data/ct/scan.nii.gz')).toEqual({ parent: '/data/ct', name: 'scan.nii.gz' });
    expect(splitFileUrl('scan.mha')).toEqual({ parent: '.', name: 'scan.mha' });
    expect(splitFileUrl('/scan.mha')).toEqual({ parent: '/', name: 'scan.mha' });
    expect(splitFileUrl('s3://bucket/seg/mask.png')).toEqual({ parent: 's3://bucket/seg', name: 'mask.png' });
    expect(splitFileUrl('s3://bucket/mask.png')).toEqual({ parent: 's3://bucket', name: 'mask.png' });
    expect(splitFileUrl('hf://org/repo/ct.nii')).toEqual({ parent: 'hf://org/repo', name: 'ct.nii' });
    expect(splitFileUrl('file:///tmp/x.tif')).toEqual({ parent: 'file:///tmp', name: 'x.tif' });
    expect(splitFileUrl('s3://bucket')).toEqual({ parent: 's3://bucket', name: '' });
  });
});
