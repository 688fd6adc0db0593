/** A benchmark: rows for the table (and the JSON), notes, and the headline comparisons. */
export interface Bench {
  readonly description: string;
  run(): Promise<BenchResult>;
}

/** What a benchmark measured. */
export interface BenchResult {
  rows: Record<string, string | number | null>[];
  notes: string[];
  /** The figures a README quotes: ours against a reference measured in the same run, or a target. */
  comparisons?: Comparison[];
}

/** One headline figure: ours, the reference (or target) it is compared with, and their ratio. */
export interface Comparison {
  readonly what: string;
  readonly unit: string;
  readonly ours: number;
  /** The reference measured in the same run, or null when there is none (then `target` says what is asked). */
  readonly reference: number | null;
  readonly referenceName: string | null;
  /** ours / reference. */
  readonly ratio: number | null;
  readonly target?: string;
}

/** A comparison with its ratio computed. */
export function compare(what: string, unit: string, ours: number, reference: number | null, referenceName: string | null, target?: string): Comparison {
  const ratio = reference === null ? null : Number((ours / reference).toFixed(3));
  return { what, unit, ours, reference, referenceName, ratio, ...(target !== undefined ? { target } : {}) };
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
