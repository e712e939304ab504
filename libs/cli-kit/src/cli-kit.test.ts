import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ProgressDisplay, formatDuration, formatProgressLine } from './progress-display';
import { parseNumberList, withSnakeAliases } from './flag-aliases';
import { errorLine, runCommand } from './run-command';

const event = { phase: 'predict', done: 120, total: 400, skipped: 12, elapsedSeconds: 37.5, rate: 3.2, etaSeconds: 87.5, unit: 'patches' };

describe('progress display', () => {
  it('formats a plain line with counts, rate and ETA', () => {
    expect(formatProgressLine(event)).toBe('predict 120/400 patches (30%) 3.20 patches/s, 12 skipped, elapsed 38s, ETA 1m28s');
    expect(formatDuration(3725)).toBe('1h02m');
    expect(formatDuration(undefined)).toBe('?');
  });

  it('prints plain lines (no escape codes) when not a TTY, throttled, and always the last one', () => {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream;
    let text = '';
    (stream as unknown as PassThrough).on('data', (d: Buffer) => (text += d.toString()));
    const display = new ProgressDisplay({ stream, intervalSeconds: 3600 });
    display.update({ ...event, done: 1 });
    display.update({ ...event, done: 2 }); // throttled
    display.update({ ...event, done: 400, etaSeconds: 0 });
    display.stop();
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('predict 1/400');
    expect(lines[1]).toContain('predict 400/400');
    expect(text).not.toMatch(/\x1b\[/);
  });
});

describe('flags', () => {
  it('adds snake_case aliases to multi-word flags only', () => {
    const o = withSnakeAliases({ 'model-path': { alias: 'm' }, overlap: {} });
    expect((o['model-path'] as { alias?: unknown }).alias).toEqual(['m', 'model_path']);
    expect((o.overlap as { alias?: unknown }).alias).toBeUndefined();
  });

  it('parses number lists and names the flag on bad input', () => {
    expect(parseNumberList('patch-size', '64,32,16', 3)).toEqual([64, 32, 16]);
    expect(parseNumberList('patch-size', ['64', '32', '16'], 3)).toEqual([64, 32, 16]);
    expect(parseNumberList('patch-size', undefined)).toBeUndefined();
    expect(() => parseNumberList('patch-size', '64,x,16', 3)).toThrow(/--patch-size 64,x,16: expected 3 comma-separated numbers/);
  });
});

describe('runCommand', () => {
  it('turns an error into one line and a non-zero code', async () => {
    const saved = process.exitCode;
    const err = new PassThrough();
    const write = process.stderr.write.bind(process.stderr);
    let text = '';
    process.stderr.write = ((d: string) => ((text += d), true)) as typeof process.stderr.write;
    try {
      const code = await runCommand('voxelflow predict', async () => {
        throw new Error('input /x.zarr not found\nsecond line');
      });
      expect(code).toBe(1);
      expect(text).toBe('voxelflow predict: input /x.zarr not found\n');
    } finally {
      process.stderr.write = write;
      process.exitCode = saved;
      err.destroy();
    }
    expect(errorLine(new Error(''))).toBe('Error');
  });
});
