export interface Summary {
  n: number;
  median: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles of a sample of durations in milliseconds. */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN;
  return { n: sorted.length, median: rank(0.5), p99: rank(0.99), max: sorted.at(-1) ?? NaN };
}

export const ms = (value: number): string => `${value.toFixed(2)} ms`;
export const ratio = (value: number, floor: number): string => `${(value / floor).toFixed(2)}×`;
