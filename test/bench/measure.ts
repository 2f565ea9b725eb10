/**
 * Timing for the benchmarks: wall-clock samples taken with process.hrtime.bigint(), warm-up
 * rounds that are run but not kept, and the percentiles the report shows.
 */

/** A set of samples, in milliseconds (or megabytes for memory). Percentiles are nearest-rank. */
export interface Distribution {
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
}

export function startTimer(): bigint {
  return process.hrtime.bigint();
}

export function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function percentile(sorted: readonly number[], fraction: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export function distributionOf(values: readonly number[]): Distribution {
  if (values.length === 0) throw new Error('no samples were taken');
  const sorted = [...values].sort((a, b) => a - b);
  return {
    samples: sorted.length,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
    mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
  };
}

/** Samples of one operation, gathered across rounds. */
export class Samples {
  private readonly values: number[] = [];

  add(value: number): void {
    this.values.push(value);
  }

  distribution(): Distribution {
    return distributionOf(this.values);
  }
}

/**
 * Runs `round` `warmUp + iterations` times. The first `warmUp` rounds are told not to keep
 * their samples: they let V8 optimise the code and SQLite fill its cache first.
 */
export function repeat(warmUp: number, iterations: number, round: (keep: boolean, index: number) => void): void {
  for (let index = 0; index < warmUp + iterations; index++) round(index >= warmUp, index);
}

export async function repeatAsync(warmUp: number, iterations: number, round: (keep: boolean, index: number) => Promise<void>): Promise<void> {
  for (let index = 0; index < warmUp + iterations; index++) await round(index >= warmUp, index);
}

/** Times one call: its result and how long it took, in milliseconds. */
export function timed<T>(work: () => T): { result: T; ms: number } {
  const start = startTimer();
  const result = work();
  return { result, ms: elapsedMs(start) };
}

export async function timedAsync<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = startTimer();
  const result = await work();
  return { result, ms: elapsedMs(start) };
}
