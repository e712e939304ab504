import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '@voxelflow/inference';
import {
  CUDA_PROVIDER_INSTALL_COMMAND,
  InvalidDeviceError,
  availableProviders,
  deviceHelp,
  executionProvidersFor,
  formatDevice,
  parseDevice,
} from '../src/index';

describe('parseDevice', () => {
  it('parses cpu, cuda, cuda:N, tensorrt, tensorrt:N', () => {
    expect(parseDevice('cpu')).toEqual({ kind: 'cpu' });
    expect(parseDevice('cuda')).toEqual({ kind: 'cuda', deviceId: 0 });
    expect(parseDevice('cuda:1')).toEqual({ kind: 'cuda', deviceId: 1 });
    expect(parseDevice(' CUDA:12 ')).toEqual({ kind: 'cuda', deviceId: 12 });
    expect(parseDevice('tensorrt')).toEqual({ kind: 'tensorrt', deviceId: 0 });
    expect(parseDevice('tensorrt:3')).toEqual({ kind: 'tensorrt', deviceId: 3 });
  });

  it.each(['gpu', 'cuda:', 'cuda:x', 'cuda:-1', 'cpu:0', 'metal', '', 'cuda:1.5'])(
    'rejects %j listing the valid forms',
    (device) => {
      let error: unknown;
      try {
        parseDevice(device);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidDeviceError);
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect((error as Error).message).toContain(JSON.stringify(device));
      expect((error as Error).message).toContain('cpu, cuda, cuda:N, tensorrt, tensorrt:N');
    },
  );

  it('maps devices to provider lists that never end in a CPU fallback', () => {
    expect(executionProvidersFor(parseDevice('cpu'))).toEqual(['cpu']);
    expect(executionProvidersFor(parseDevice('cuda:1'))).toEqual([{ name: 'cuda', deviceId: 1 }]);
    expect(executionProvidersFor(parseDevice('tensorrt:2'))).toEqual([
      { name: 'tensorrt', deviceId: 2 },
      { name: 'cuda', deviceId: 2 },
    ]);
    expect(formatDevice(parseDevice('cuda'))).toBe('cuda:0');
  });
});

describe('availableProviders', () => {
  it("reports this install's providers: cpu bundled, cuda and tensorrt not", () => {
    const providers = availableProviders();
    expect(providers).toContainEqual({ name: 'cpu', bundled: true });
    expect(providers).toContainEqual({ name: 'cuda', bundled: false });
    expect(providers).toContainEqual({ name: 'tensorrt', bundled: false });
    const help = deviceHelp();
    expect(help).toContain('cuda:N');
    expect(help).toContain(CUDA_PROVIDER_INSTALL_COMMAND);
  });
});
