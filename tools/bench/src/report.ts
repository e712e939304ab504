/** Shared helpers for the benchmark scripts: wall time, throughput and peak memory, printed as one table. */
import { performance } from 'node:perf_hooks';

export interface BenchRow {
  name: string;
  seconds: number;
  /** Bytes processed, for MB/s. */
  bytes?: number;
  /** Items processed (patches, tiles, images), for items/s. */
  items?: number;
  itemLabel?: string;
  note?: string;
}

/** Runs `fn` once and returns its wall time in seconds. */
export async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

/** Peak resident set size of this process so far, in MiB (Linux reports maxRSS in KiB). */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export function formatRow(r: BenchRow): string {
  const parts = [`${r.name.padEnd(44)}`, `${r.seconds.toFixed(3).padStart(8)} s`];
  if (r.bytes !== undefined) parts.push(`${(r.bytes / 1e6 / r.seconds).toFixed(1).padStart(8)} MB/s`);
  if (r.items !== undefined) parts.push(`${(r.items / r.seconds).toFixed(2).padStart(8)} ${r.itemLabel ?? 'items'}/s`);
  if (r.note) parts.push(r.note);
  return parts.join('  ');
}

export function printTable(title: string, rows: BenchRow[]): void {
  console.log(`\n${title}`);
  for (const r of rows) console.log(formatRow(r));
  console.log(`peak RSS ${peakRssMiB().toFixed(0)} MiB`);
}
