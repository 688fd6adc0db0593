/** A benchmark: rows for the table (and the JSON), plus notes such as measured ratios. */
export interface Bench {
  readonly description: string;
  run(): Promise<{ rows: Record<string, string | number | null>[]; notes: string[] }>;
}

/** Milliseconds of the fastest of `repeats` runs after one warm-up, and the cold (first) time. */
export function time<T>(fn: () => T, repeats = 3): { ms: number; coldMs: number; result: T } {
  let t = performance.now();
  let result = fn();
  const coldMs = performance.now() - t;
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    t = performance.now();
    result = fn();
    best = Math.min(best, performance.now() - t);
  }
  return { ms: best, coldMs, result };
}
