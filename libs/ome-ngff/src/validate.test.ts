import { describe, expect, it } from 'vitest';
import { toNgffAttributes } from './attributes';
import { buildMultiscales, pyramidDatasets, standardAxes } from './build-multiscales';
import { NgffValidationError } from './errors';
import type { Multiscale, NgffVersion } from './types';
import { isValid, validateLabelAttributes, validateMultiscales } from './validate';

function valid(version: NgffVersion): Multiscale {
  return buildMultiscales({
    version,
    name: 'scroll',
    type: 'mean',
    metadata: { method: 'block mean' },
    axes: standardAxes('czyx', 'micrometer'),
    datasets: [
      { path: '0', scale: [1, 7.91, 7.91, 7.91] },
      { path: '1', scale: [1, 15.82, 15.82, 15.82], translation: [0, 3.955, 3.955, 3.955] },
    ],
  });
}

/** Attributes of a valid image with `mutate` applied to its (only) multiscale. */
function broken(version: NgffVersion, mutate: (m: Record<string, any>) => void): Record<string, unknown> {
  const m = structuredClone(valid(version)) as unknown as Record<string, any>;
  mutate(m);
  return toNgffAttributes({ multiscales: [m as unknown as Multiscale] }, version);
}

describe('validateMultiscales', () => {
  for (const version of ['0.4', '0.5'] as const) {
    it(`accepts what buildMultiscales makes (${version}), with no warnings`, () => {
      const attrs = toNgffAttributes({ multiscales: [valid(version)] }, version);
      expect(validateMultiscales(attrs, version)).toEqual([]);
    });

    const cases: [string, (m: Record<string, any>) => void, RegExp, RegExp][] = [
      ['no axes', (m) => delete m.axes, /axes$/, /is required/],
      ['one axis', (m) => (m.axes = [{ name: 'x', type: 'space' }]), /axes$/, /2 to 5 axes/],
      ['six axes', (m) => (m.axes = [...'abxyz', 'w'].map((n) => ({ name: n, type: 'space' }))), /axes$/, /2 to 5 axes/],
      ['four space axes', (m) => (m.axes = standardAxes('zyx').concat([{ name: 'w', type: 'space' }])), /axes$/, /2 or 3 axes of type space/],
      ['one space axis', (m) => (m.axes = [{ name: 'c', type: 'channel' }, { name: 'x', type: 'space' }]), /axes$/, /2 or 3 axes of type space/],
      ['two time axes', (m) => (m.axes = [{ name: 't', type: 'time' }, { name: 'u', type: 'time' }, ...standardAxes('yx')]), /axes$/, /at most one axis of type time/],
      ['two channel axes', (m) => (m.axes = [{ name: 'c', type: 'channel' }, { name: 'd', type: 'channel' }, ...standardAxes('yx')]), /axes$/, /at most one axis of type channel/],
      ['space axis not last', (m) => (m.axes = [...standardAxes('zyx'), { name: 'c', type: 'channel' }].slice(0)), /axes$/, /space axes last/],
      ['time after channel', (m) => (m.axes = [{ name: 'c', type: 'channel' }, { name: 't', type: 'time' }, ...standardAxes('yx')]), /axes$/, /time first/],
      ['duplicate axis names', (m) => (m.axes[2].name = 'x'), /axes\[3\]\.name$/, /used twice/],
      ['axis without name', (m) => delete m.axes[1].name, /axes\[1\]\.name$/, /is required/],
      ['bad space unit', (m) => (m.axes[1].unit = 'um'), /axes\[1\]\.unit$/, /not an NGFF space unit/],
      ['bad time unit', (m) => (m.axes = [{ name: 't', type: 'time', unit: 'fortnight' }, ...standardAxes('zyx')]), /axes\[0\]\.unit$/, /not an NGFF time unit/],
      ['no datasets', (m) => delete m.datasets, /datasets$/, /is required/],
      ['empty datasets', (m) => (m.datasets = []), /datasets$/, /at least one dataset/],
      ['dataset without path', (m) => delete m.datasets[0].path, /datasets\[0\]\.path$/, /non-empty string/],
      ['duplicate dataset paths', (m) => (m.datasets[1].path = '0'), /datasets\[1\]\.path$/, /must be unique/],
      ['no coordinateTransformations', (m) => delete m.datasets[0].coordinateTransformations, /datasets\[0\]\.coordinateTransformations$/, /is required/],
      ['empty coordinateTransformations', (m) => (m.datasets[0].coordinateTransformations = []), /coordinateTransformations$/, /must hold a scale/],
      ['translation only', (m) => (m.datasets[1].coordinateTransformations = [m.datasets[1].coordinateTransformations[1]]), /datasets\[1\]\.coordinateTransformations/, /translation must come after the scale|exactly one scale/],
      ['translation before scale', (m) => m.datasets[1].coordinateTransformations.reverse(), /datasets\[1\]\.coordinateTransformations\[\d\]$/, /must be the first|must come after/],
      ['two scales', (m) => m.datasets[0].coordinateTransformations.push({ type: 'scale', scale: [1, 1, 1, 1] }), /datasets\[0\]\.coordinateTransformations/, /exactly one scale|must be the first/],
      ['two translations', (m) => m.datasets[1].coordinateTransformations.push({ type: 'translation', translation: [0, 0, 0, 0] }), /datasets\[1\]\.coordinateTransformations$/, /at most one translation/],
      ['unknown transformation', (m) => m.datasets[0].coordinateTransformations.push({ type: 'affine', affine: [] }), /coordinateTransformations\[1\]\.type$/, /not allowed/],
      ['scale length != axes', (m) => (m.datasets[0].coordinateTransformations[0].scale = [1, 1, 1]), /scale$/, /one value per axis: 4/],
      ['translation length != axes', (m) => (m.datasets[1].coordinateTransformations[1].translation = [0, 0]), /translation$/, /one value per axis: 4/],
      ['zero scale', (m) => (m.datasets[0].coordinateTransformations[0].scale = [1, 0, 1, 1]), /scale$/, /positive/],
      ['negative scale', (m) => (m.datasets[0].coordinateTransformations[0].scale = [1, -2, 1, 1]), /scale$/, /positive/],
      ['non-numeric scale', (m) => (m.datasets[0].coordinateTransformations[0].scale = [1, '2', 1, 1]), /scale$/, /finite numbers/],
      ['datasets in wrong order', (m) => m.datasets.reverse(), /datasets\[1\]$/, /highest to lowest resolution/],
      ['multiscale-level transform without scale', (m) => (m.coordinateTransformations = [{ type: 'translation', translation: [0, 0, 0, 0] }]), /multiscales\[0\]\.coordinateTransformations/, /exactly one scale|must come after/],
      ['name not a string', (m) => (m.name = 5), /name$/, /must be a string/],
    ];
    for (const [label, mutate, path, message] of cases) {
      it(`${version}: ${label}`, () => {
        const problems = validateMultiscales(broken(version, mutate), version).filter((p) => p.severity === 'error');
        expect(problems.length, JSON.stringify(problems)).toBeGreaterThan(0);
        expect(problems.some((p) => path.test(p.path) && message.test(p.message)), JSON.stringify(problems, null, 1)).toBe(true);
      });
    }
  }

  it('0.4: wrong version in a multiscale and missing multiscales', () => {
    const p = validateMultiscales({ multiscales: [{ ...valid('0.4'), version: '0.3' }] }, '0.4');
    expect(p.some((x) => x.path === 'multiscales[0].version' && /"0.4"/.test(x.message))).toBe(true);
    expect(validateMultiscales({ foo: 1 }, '0.4').map((x) => x.path)).toEqual(['multiscales']);
    expect(validateMultiscales({ multiscales: [] }, '0.4')[0]?.message).toMatch(/at least one/);
  });

  it('0.4: a missing version or name is only a warning (strict schema)', () => {
    const { version: _v, name: _n, ...bare } = valid('0.4');
    const attrs = { multiscales: [bare] };
    const p = validateMultiscales(attrs, '0.4');
    expect(isValid(p)).toBe(true);
    expect(p.map((x) => x.path).sort()).toEqual(['multiscales[0].name', 'multiscales[0].version']);
  });

  it('0.5: requires ome with version 0.5, rejects 0.4 layout', () => {
    const m = valid('0.5');
    expect(validateMultiscales({ multiscales: [m] }, '0.5')[0]?.message).toMatch(/0.4 layout/);
    const wrong = validateMultiscales({ ome: { version: '0.4', multiscales: [m] } }, '0.5');
    expect(wrong.map((x) => x.path)).toEqual(['ome.version']);
    expect(validateMultiscales({ ome: { version: '0.5' } }, '0.5').map((x) => x.path)).toEqual(['ome.multiscales']);
    const v04inside = validateMultiscales({ ome: { version: '0.5', multiscales: [{ ...m, version: '0.4' }] } }, '0.5');
    expect(v04inside.some((x) => x.path === 'ome.multiscales[0].version')).toBe(true);
  });

  it('rejects duplicate multiscales (uniqueItems)', () => {
    const m = valid('0.4');
    expect(validateMultiscales({ multiscales: [m, structuredClone(m)] }, '0.4')[0]?.message).toMatch(/unique/);
  });

  it('checks omero channels', () => {
    const base = toNgffAttributes({ multiscales: [valid('0.4')] }, '0.4');
    const ok = { ...base, omero: { channels: [{ color: 'FFFFFF', window: { start: 0, end: 255, min: 0, max: 255 } }] } };
    expect(validateMultiscales(ok, '0.4')).toEqual([]);
    const noColor = { ...base, omero: { channels: [{ window: { start: 0, end: 255, min: 0, max: 255 } }] } };
    expect(validateMultiscales(noColor, '0.4').map((p) => p.path)).toEqual(['omero.channels[0].color']);
    const noMax = { ...base, omero: { channels: [{ color: 'FF0000', window: { start: 0, end: 255, min: 0 } }] } };
    expect(validateMultiscales(noMax, '0.4').map((p) => p.path)).toEqual(['omero.channels[0].window.max']);
    expect(validateMultiscales({ ...base, omero: {} }, '0.4').map((p) => p.path)).toEqual(['omero.channels']);
  });

  it('throws from buildMultiscales on invalid input', () => {
    expect(() =>
      buildMultiscales({ version: '0.4', axes: standardAxes('zyx', 'parsecs'), datasets: [{ path: '0', scale: [1, 1, 1] }] }),
    ).toThrow(NgffValidationError);
    expect(() => buildMultiscales({ version: '0.5', axes: standardAxes('zyx'), datasets: [{ path: '0', scale: [1, 1] }] })).toThrow(
      /one value per axis/,
    );
  });
});

describe('validateLabelAttributes', () => {
  const label = {
    colors: [{ 'label-value': 1, rgba: [255, 0, 0, 255] as [number, number, number, number] }],
    properties: [{ 'label-value': 1, class: 'ink' }],
    source: { image: '../../' },
  };
  for (const version of ['0.4', '0.5'] as const) {
    it(`accepts a full label image (${version})`, () => {
      const attrs = toNgffAttributes({ multiscales: [valid(version)], imageLabel: label }, version);
      expect(validateLabelAttributes(attrs, version)).toEqual([]);
      expect(validateMultiscales(attrs, version)).toEqual([]);
    });
    it(`finds broken image-label entries (${version})`, () => {
      const bad = {
        colors: [{ 'label-value': 1, rgba: [256, 0, 0] }, { rgba: [1, 2, 3, 4] }],
        properties: [{ 'label-value': 1.5 }],
        source: { image: 3 },
      };
      const attrs = toNgffAttributes({ imageLabel: bad as never }, version);
      const paths = validateLabelAttributes(attrs, version).map((p) => p.path.replace(/^ome\./, ''));
      expect(paths).toEqual([
        'image-label.colors[0].rgba',
        'image-label.colors[1].label-value',
        'image-label.properties[0].label-value',
        'image-label.source.image',
      ]);
      const dup = toNgffAttributes({ imageLabel: { colors: [{ 'label-value': 2 }, { 'label-value': 2 }] } }, version);
      expect(validateLabelAttributes(dup, version)[0]?.message).toMatch(/unique/);
      expect(validateLabelAttributes(toNgffAttributes({}, version), version)[0]?.message).toMatch(/required/);
    });
  }
});

describe('pyramidDatasets', () => {
  it('doubles space scales and centres block means', () => {
    const axes = standardAxes('czyx', 'micrometer');
    const ds = pyramidDatasets({ axes, levels: 3, scale: [1, 2, 1, 1] });
    expect(ds.map((d) => d.scale)).toEqual([
      [1, 2, 1, 1],
      [1, 4, 2, 2],
      [1, 8, 4, 4],
    ]);
    expect(ds[0]?.translation).toBeUndefined();
    // Level 2 voxel 0 averages level-0 voxels 0..3: centre at 1.5 voxels.
    expect(ds[2]?.translation).toEqual([0, 3, 1.5, 1.5]);
    const m = buildMultiscales({ version: '0.5', axes, datasets: ds, name: 'p', type: 'mean', metadata: {} });
    expect(validateMultiscales(toNgffAttributes({ multiscales: [m] }, '0.5'), '0.5')).toEqual([]);
  });
});
