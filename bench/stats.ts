/** p50, p95 and p99 of a set of samples, in ms. */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

/** Nearest-rank percentile, as the load tests compute it. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** p50, p95 and p99 of `values`, rounded to 0.1 ms. */
export function percentiles(values: readonly number[]): Percentiles {
  return {
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    p99: round(percentile(values, 99)),
  };
}

/** Rounds to one decimal. */
export const round = (value: number): number => Math.round(value * 10) / 10;

/** Bytes as MiB with one decimal. */
export const mb = (bytes: number): number => round(bytes / 2 ** 20);

export const sleep = (ms: number): Promise<void> =>
  new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A table row: a label padded to `width`, then right-aligned cells. */
export function tableRow(label: string, cells: ReadonlyArray<string | number>, width = 40): string {
  return `  ${label.padEnd(width)} ${cells.map((c) => String(c).padStart(9)).join(' ')}`;
}
