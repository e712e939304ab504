import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelConfigError } from './errors';
import { parseModelConfig, readModelConfig } from './model-config';

const OCTOPI_YAML = `model:
  architecture: Unet
  num_classes: 4
  dim_in: 64
  channels: [32, 64, 96, 96]
  strides: [2, 2, 1]
  onnx: weights/best.onnx
labels:
  background: 0
  apo-ferritin: 1
  beta-galactosidase: 2
  ribosome: 3
optimizer:
  lr: 0.001
`;

describe('parseModelConfig', () => {
  it("reads octopi's model_config.yaml plus the ONNX file, resolved beside the config", () => {
    const c = parseModelConfig(OCTOPI_YAML, '/models/run1/model_config.yaml');
    expect(c.onnx).toBe('/models/run1/weights/best.onnx');
    expect(c.labels).toEqual({ background: 0, 'apo-ferritin': 1, 'beta-galactosidase': 2, ribosome: 3 });
    expect(c.numClasses).toBe(4);
    expect(c.patchSize).toEqual([64, 64, 64]);
    expect(c.architecture).toBe('Unet');
  });

  it('reads a card-style JSON with a label list and a non-cubic patch', () => {
    const c = parseModelConfig(JSON.stringify({ onnx: 's3://bucket/m.onnx', labels: ['background', 'apo-ferritin', 'ribosome'], patchSize: [32, 64, 64] }), 'x/model.json');
    expect(c.onnx).toBe('s3://bucket/m.onnx');
    expect(c.labels).toEqual({ background: 0, 'apo-ferritin': 1, ribosome: 2 });
    expect(c.numClasses).toBe(3);
    expect(c.patchSize).toEqual([32, 64, 64]);
  });

  it('leaves onnx undefined when the config names none (weights come from the command line)', () => {
    expect(parseModelConfig('model: {dim_in: 96}\nlabels: {ribosome: 1}\n').onnx).toBeUndefined();
  });

  it('names what is missing or inconsistent', () => {
    const fail = (text: string): string => {
      try {
        parseModelConfig(text, 'm.yaml');
      } catch (err) {
        expect(err).toBeInstanceOf(ModelConfigError);
        return (err as Error).message;
      }
      throw new Error('expected a ModelConfigError');
    };
    expect(fail('model: {dim_in: 96}\n')).toBe('m.yaml: it has no "labels" (object name → class index, e.g. labels: {ribosome: 1})');
    expect(fail('labels: {ribosome: 1}\n')).toBe('m.yaml: it gives no patch size; add model.dim_in (cubic edge, octopi) or patch_size: [z, y, x]');
    expect(fail('model: {dim_in: 96, num_classes: 3}\nlabels: {a: 1, b: 3}\n')).toBe('m.yaml: num_classes 3 leaves no channel for class index 3; it must be > every label');
    expect(fail('model: {dim_in: 96}\nlabels: {a: 1, b: 1}\n')).toBe("m.yaml: labels 'a' and 'b' share the class index 1");
    expect(fail('model: [unclosed\n')).toMatch(/^m\.yaml: neither YAML nor JSON/);
  });

  it('reads a config file and rejects a missing one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'particles-model-'));
    try {
      await writeFile(join(dir, 'model_config.yaml'), OCTOPI_YAML);
      expect((await readModelConfig(join(dir, 'model_config.yaml'))).onnx).toBe(join(dir, 'weights', 'best.onnx'));
      await expect(readModelConfig(join(dir, 'nope.yaml'))).rejects.toThrow(`model config ${join(dir, 'nope.yaml')} not found; check the path`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
