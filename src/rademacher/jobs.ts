/**
 * Rademacher computations as worker-pool jobs (see src/workers/pool.ts): the accumulation of signed
 * row sums for a share of the draws, reading X's compressed rows and the sign vectors from
 * SharedArrayBuffers and writing its rows of the result into a shared (m, d) array — nothing is
 * copied either way. The kernel is the one the calling thread runs (row-sums.ts), so the pool's
 * result is bit-identical to the single-thread one.
 */
import type { SparseRows } from '../data/matrix.js';
import { addPositiveRowsSparse } from './row-sums.js';

/** The arguments of {@link positiveRowSumsJob}. */
export interface PositiveRowSumsArgs {
  /** X (n, d) in compressed rows, in SharedArrayBuffers */
  readonly rows: SparseRows;
  /** (m, n), entries ±1, in a SharedArrayBuffer */
  readonly sigma: Int8Array;
  /** (m, d), in a SharedArrayBuffer: the job writes rows t0 … t1 − 1 */
  readonly out: Float64Array;
  readonly n: number;
  readonly d: number;
  /** the draws of this job: t0 ≤ t < t1 */
  readonly t0: number;
  readonly t1: number;
}

/**
 * out[t] ← Σ_{i: σ_ti = +1} x_i for the draws t0 ≤ t < t1, written into the shared result.
 *
 * @param args - the shared rows, signs and result, and this job's draws
 * @returns how many draws it accumulated (t1 − t0)
 * @example
 * await pool.runAll([{ module: 'rademacher/jobs.js', export: 'positiveRowSumsJob', args: { rows, sigma, out, n, d, t0: 0, t1: m } }]);
 */
export function positiveRowSumsJob(args: PositiveRowSumsArgs): number {
  const { rows, sigma, out, n, d, t0, t1 } = args;
  for (const [name, a] of [['out', out], ['sigma', sigma], ['rows.values', rows.values]] as const) {
    // a copied array would take this job's rows with it: the caller would read zeros
    if (!(a.buffer instanceof SharedArrayBuffer)) throw new Error(`positiveRowSumsJob: ${name} is not in a SharedArrayBuffer; the result would be lost`);
  }
  if (!(Number.isInteger(t0) && Number.isInteger(t1) && 0 <= t0 && t0 <= t1 && t1 * d <= out.length && t1 * n <= sigma.length)) {
    throw new Error(`positiveRowSumsJob: draws ${t0} … ${t1} do not fit sigma (${sigma.length} entries, n = ${n}) and out (${out.length} entries, d = ${d})`);
  }
  addPositiveRowsSparse(out.subarray(t0 * d, t1 * d), sigma.subarray(t0 * n, t1 * n), t1 - t0, n, d, rows);
  return t1 - t0;
}
