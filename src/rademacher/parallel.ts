/**
 * The parallel path of the Rademacher module: the accumulation of signed row sums (row-sums.ts)
 * spread over the one worker pool (src/workers/pool.ts), as jobs of `rademacher/jobs.js` that read
 * and write SharedArrayBuffers. The caller awaits the pool, so a job that throws or a worker that
 * dies rejects it at once.
 */
import { availableParallelism } from 'node:os';
import type { SparseRows } from '../data/matrix.js';
import type { Job, WorkerPool } from '../workers/pool.js';
import type { PositiveRowSumsArgs } from './jobs.js';

/** What the parallel path needs of a pool: its size and `runAll` (a {@link WorkerPool} is one). */
export type JobRunner = Pick<WorkerPool, 'threads' | 'runAll'>;

/** Below this many row additions the jobs' start-up (a worker starts in tens of ms) is not worth it. */
export const PARALLEL_MIN_WORK = 5e7;

/**
 * Whether spreading `work` row additions over `threads` threads pays off.
 *
 * @param work - row additions of the batch (draws × non-zeros / 2 for signed row sums)
 * @param threads - the pool's threads (default: the machine's parallelism)
 * @example
 * parallelWorthIt(1e8, 2); // true
 * parallelWorthIt(1e8, 1); // false: one thread gains nothing
 */
export function parallelWorthIt(work: number, threads: number = availableParallelism()): boolean {
  return work >= PARALLEL_MIN_WORK && threads > 1;
}

/** The array itself when it is in a SharedArrayBuffer, else a copy that is. */
function shared<T extends Int8Array | Int32Array | Float64Array>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const copy = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  copy.set(a as never);
  return copy;
}

/**
 * out (m, d) ← Σ_{i: σ_ti = +1} x_i for each draw t, on the pool: the draws in `pool.threads`
 * contiguous shares, one job each, every job running the single-thread kernel on its share.
 *
 * @param rows - X (n, d) in compressed rows (copied into shared memory unless already there)
 * @param sigma - (m, n), entries ±1
 * @param pool - runs the jobs; the caller owns and closes it
 * @returns (m, d), in a SharedArrayBuffer
 * @example
 * const out = await accumulateOnPool(compressRows(X, { shared: true })!, sigma, m, X.rows, X.cols, pool);
 */
export async function accumulateOnPool(rows: SparseRows, sigma: Int8Array, m: number, n: number, d: number, pool: JobRunner): Promise<Float64Array> {
  const out = new Float64Array(new SharedArrayBuffer(m * d * 8)); // (m, d)
  const base = { rows: { rowPtr: shared(rows.rowPtr), cols: shared(rows.cols), values: shared(rows.values) }, sigma: shared(sigma), out, n, d };
  const k = Math.max(1, Math.min(pool.threads, m));
  const jobs: Job[] = Array.from({ length: k }, (_, c) => ({
    module: 'rademacher/jobs.js',
    export: 'positiveRowSumsJob',
    args: { ...base, t0: Math.floor((c * m) / k), t1: Math.floor(((c + 1) * m) / k) } satisfies PositiveRowSumsArgs,
  }));
  await pool.runAll<number>(jobs);
  return out;
}

/** A pool that starts (and loads piscina) only when a job is first run; {@link close} ends it if it started. */
export interface LazyPool extends JobRunner {
  close(): Promise<void>;
}

/**
 * A {@link WorkerPool} opened on first use: for callers that may or may not have work worth
 * spreading, so that small runs start no thread and need no compiled dist/.
 *
 * @param threads - the pool's threads (default: the machine's parallelism)
 * @example
 * const pool = lazyPool();
 * try { await estimateRademacherAsync(oracle, { pool }); } finally { await pool.close(); }
 */
export function lazyPool(threads: number = availableParallelism()): LazyPool {
  let pool: Promise<WorkerPool> | null = null;
  return {
    threads,
    async runAll<R>(jobs: readonly Job[], options?: Parameters<WorkerPool['runAll']>[1]): Promise<R[]> {
      pool ??= import('../workers/pool.js').then(({ WorkerPool }) => new WorkerPool({ threads }));
      return (await pool).runAll<R>(jobs, options);
    },
    async close() {
      if (pool !== null) await pool.then((p) => p.close(), () => undefined); // a pool that failed to open has nothing to close
    },
  };
}
