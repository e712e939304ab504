import { describe, expect, it } from 'vitest';
import { parseCopickConfig } from './copick-config';
import { checkCopickName, formatVoxelSpacing, parsePicksFileName, parseSegmentationFileName, segmentationFileName } from './copick-names';
import { resolveCopickRoot } from './copick-roots';
import { CopickConfigError, InvalidCopickNameError } from './errors';

const base = { overlay_root: 'local:///data/overlay', pickable_objects: [{ name: 'ribosome', is_particle: true, label: 2, radius: 150 }] };

describe('copick names', () => {
  it('formats voxel spacings like Python’s f"{vs:.3f}", ties to even', () => {
    expect(formatVoxelSpacing(10)).toBe('10.000');
    expect(formatVoxelSpacing(10.012)).toBe('10.012');
    expect(formatVoxelSpacing(0.0625)).toBe('0.062'); // JS toFixed gives 0.063
    expect(formatVoxelSpacing(10.0625)).toBe('10.062');
    expect(formatVoxelSpacing(0.1875)).toBe('0.188');
  });

  it('rejects underscores and unsafe characters with a rule-naming message', () => {
    expect(() => checkCopickName('object name', 'apo_ferritin')).toThrow(InvalidCopickNameError);
    expect(() => checkCopickName('session id', 'a b')).toThrow(`invalid copick session id 'a b': it contains " "; copick names must not contain whitespace, control characters or any of < > : " / \\ | ? *`);
    expect(checkCopickName('user id', 'data-portal')).toBe('data-portal');
    expect(checkCopickName('run name', 'TS_5_4')).toBe('TS_5_4'); // run folders may hold '_'
  });

  it('parses picks and segmentation file names', () => {
    expect(parsePicksFileName('curation_0_apo-ferritin.json')).toEqual({ userId: 'curation', sessionId: '0', objectName: 'apo-ferritin' });
    expect(parsePicksFileName('apo-ferritin.json')).toBeUndefined();
    expect(segmentationFileName(10.012, 'predict', 'octopi', '1', true)).toBe('10.012_octopi_1_predict-multilabel.zarr');
    expect(parseSegmentationFileName('10.012_octopi_1_predict-multilabel.zarr')).toEqual({ voxelSize: 10.012, userId: 'octopi', sessionId: '1', name: 'predict', multilabel: true });
  });
});

describe('parseCopickConfig', () => {
  it('fills copick’s defaults and keeps unknown keys', () => {
    const c = parseCopickConfig(JSON.stringify({ ...base, dataset_ids: [10440] }), 'c.json');
    expect(c.pickable_objects[0]).toEqual({ name: 'ribosome', is_particle: true, label: 2, color: [100, 100, 100, 255], radius: 150, metadata: {} });
    expect([c.config_type, c.name, c.user_id, c.static_root]).toEqual(['filesystem', 'CoPick', null, null]);
    expect(c.extra).toEqual({ dataset_ids: [10440] });
  });

  it('refuses what copick refuses, naming the field', () => {
    const msg = (doc: unknown): string => {
      try {
        parseCopickConfig(JSON.stringify(doc), 'c.json');
      } catch (err) {
        expect(err instanceof CopickConfigError || err instanceof InvalidCopickNameError).toBe(true);
        return (err as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(msg({ ...base, pickable_objects: [{ name: 'apo_ferritin', is_particle: true }] })).toMatch(/^copick config c\.json: pickable_objects\[0\]\.name 'apo_ferritin' is invalid: copick names must not contain '_'/);
    expect(msg({ ...base, pickable_objects: [{ name: 'a', is_particle: true, label: 0 }] })).toBe("copick config c.json: pickable_objects[0] ('a') has label 0; labels are integers ≥ 1 (0 is background)");
    expect(msg({ pickable_objects: [] })).toMatch(/overlay_root is missing/);
    expect(msg({ ...base, user_id: 'my_user' })).toMatch(/^invalid copick user id 'my_user'/);
    expect(msg({ ...base, config_type: 'cryoet_data_portal' })).toMatch(/config_type "cryoet_data_portal" is not supported/);
  });
});

describe('resolveCopickRoot', () => {
  it('resolves local:// and relative roots against the config folder; passes URLs through', () => {
    expect(resolveCopickRoot('local://./overlay', '/p/q/config.json')).toBe('/p/q/overlay');
    expect(resolveCopickRoot('local:///abs/static/', '/p/q/config.json')).toBe('/abs/static');
    expect(resolveCopickRoot('data/overlay', '/p/q/config.json')).toBe('/p/q/data/overlay');
    expect(resolveCopickRoot('s3://bucket/project/', '/p/q/config.json')).toBe('s3://bucket/project');
    expect(resolveCopickRoot('local://./overlay', 's3://bucket/cfg/config.json')).toBe('s3://bucket/cfg/overlay');
    expect(() => resolveCopickRoot('ssh://host/x', 'c.json')).toThrow(/'ssh:\/\/' scheme, which VoxelFlow cannot open/);
  });
});
