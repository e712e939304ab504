import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UnknownModelError } from './errors';
import { loadModelTable, locateModel, MODEL_TABLE } from './model-table';

describe('locateModel', () => {
  const none = (): boolean => false;

  it('maps a table key to its hub repo and keeps the key as the label', () => {
    expect(locateModel('timesformer-scroll5', MODEL_TABLE, none)).toEqual({
      source: 'hf://scrollprize/timesformer_scroll5_27112024',
      label: 'timesformer-scroll5',
      kind: 'table',
      modelType: 'timesformer',
    });
  });

  it('reads a hub repo id, with or without a revision', () => {
    expect(locateModel('org/ink-model', MODEL_TABLE, none)).toMatchObject({ source: 'hf://org/ink-model', label: 'ink-model', kind: 'repo' });
    expect(locateModel('org/ink-model@v2', MODEL_TABLE, none)).toMatchObject({ source: 'hf://org/ink-model@v2', label: 'ink-model' });
  });

  it('passes URLs and existing paths through, labelled by their last segment', () => {
    expect(locateModel('s3://models/ink/v3.onnx', MODEL_TABLE, none)).toMatchObject({ source: 's3://models/ink/v3.onnx', label: 'v3', kind: 'url' });
    expect(locateModel('models/org/ink.onnx', MODEL_TABLE, () => true)).toMatchObject({ source: 'models/org/ink.onnx', label: 'ink', kind: 'path' });
  });

  it('refuses anything else, listing the keys', () => {
    expect(() => locateModel('nonsense', MODEL_TABLE, none)).toThrow(UnknownModelError);
    expect(() => locateModel('nonsense', MODEL_TABLE, none)).toThrow(/MODEL=nonsense is not a model key \(timesformer-scroll5/);
  });

  it('adds keys from MODEL_TABLE, inline or from a file', async () => {
    expect(loadModelTable('{"mine": "hf://me/ink"}')['mine']).toEqual({ source: 'hf://me/ink' });
    const dir = await mkdtemp(join(tmpdir(), 'vf-ink-table-'));
    try {
      const file = join(dir, 'models.json');
      await writeFile(file, JSON.stringify({ big: { source: 's3://m/big.onnx', modelType: 'resnet3d-50' } }));
      const table = loadModelTable(file);
      expect(locateModel('big', table, none)).toMatchObject({ source: 's3://m/big.onnx', label: 'big', modelType: 'resnet3d-50' });
      expect(table['timesformer-scroll5']).toBeDefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(() => loadModelTable('{"bad": 3}')).toThrow(/MODEL_TABLE entry "bad"/);
    expect(() => loadModelTable('/no/such/table.json')).toThrow(/MODEL_TABLE=\/no\/such\/table.json cannot be read/);
  });
});
