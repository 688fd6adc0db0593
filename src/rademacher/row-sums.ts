/**
 * Signed row sums Xᵀσ for a batch of sign vectors — the one heavy computation of the linear classes'
 * supremum oracles. Since σ_i = ±1, Xᵀσ = 2·Σ_{σ_i = +1} x_i − Σ_i x_i: only the rows with σ_i = +1
 * are added (half the work, no multiplications), over compressed rows when most entries of X are
 * zero (MNIST: ≈ 19% non-zero pixels).
 *
 * Two entries: {@link signedRowSums}, single-threaded and synchronous, and
 * {@link signedRowSumsAsync}, which hands the accumulation of large batches to the worker pool
 * (jobs in `rademacher/jobs.js`, data in SharedArrayBuffers). Both run the same kernel, draw by
 * draw, in the same order of additions, so their results are bit-identical.
 */
import { InputError } from '../errors.js';
import { compressRows, rowOf, type Matrix, type SparseRows } from '../data/matrix.js';
import { accumulateOnPool, parallelWorthIt, type JobRunner } from './parallel.js';

function checkSigma(sigma: Int8Array, m: number, n: number): void {
  if (sigma.length !== m * n) {
    throw new InputError(`signedRowSums: sigma has ${sigma.length} entries, expected (m, n) = (${m}, ${n})`);
  }
}

/**
 * The products Xᵀσ (d) for a batch of sign vectors, on this thread.
 *
 * @param X - the sample, (n, d)
 * @param sigma - the sign vectors, (m, n) entries ±1
 * @param m - how many sign vectors
 * @returns (m, d): row t is Xᵀσ_t
 * @example
 * signedRowSums(toMatrix([[1, 2], [3, 4]]), Int8Array.from([1, -1]), 1); // Float64Array [-2, -2]
 */
export function signedRowSums(X: Matrix, sigma: Int8Array, m: number): Float64Array {
  const { rows: n, cols: d } = X;
  checkSigma(sigma, m, n);
  const out = new Float64Array(m * d); // (m, d): first Σ_{σ=+1} x_i, then 2·that − Σ x_i
  const sparse = compressRows(X);
  if (sparse) addPositiveRowsSparse(out, sigma, m, n, d, sparse);
  else addPositiveRowsDense(out, sigma, m, n, d, X.data);
  return subtractTotal(X, out, m);
}

/**
 * {@link signedRowSums} with the accumulation on a worker pool when the batch is large enough to pay
 * for it ({@link parallelWorthIt}: sparse rows and at least PARALLEL_MIN_WORK row additions, on a
 * pool of two threads or more); otherwise on this thread. Bit-identical to {@link signedRowSums}.
 * A job that throws or a worker that dies rejects the returned promise.
 *
 * @param X - the sample, (n, d)
 * @param sigma - the sign vectors, (m, n) entries ±1
 * @param m - how many sign vectors
 * @param pool - runs the jobs (a {@link WorkerPool}); the caller owns and closes it
 * @returns (m, d): row t is Xᵀσ_t
 * @example
 * const pool = new WorkerPool();
 * const v = await signedRowSumsAsync(X, sigma, m, pool); // equals signedRowSums(X, sigma, m), bit for bit
 * await pool.close();
 */
export async function signedRowSumsAsync(X: Matrix, sigma: Int8Array, m: number, pool: JobRunner): Promise<Float64Array> {
  const { rows: n, cols: d } = X;
  checkSigma(sigma, m, n);
  const sparse = compressRows(X, { shared: true });
  let out: Float64Array; // (m, d)
  if (sparse && parallelWorthIt((m * sparse.values.length) / 2, pool.threads)) {
    out = new Float64Array(await accumulateOnPool(sparse, sigma, m, n, d, pool)); // a plain copy of the shared result
  } else {
    out = new Float64Array(m * d);
    if (sparse) addPositiveRowsSparse(out, sigma, m, n, d, sparse);
    else addPositiveRowsDense(out, sigma, m, n, d, X.data);
  }
  return subtractTotal(X, out, m);
}

/** out (m, d) ← 2·out − Σ_i x_i, row by row: from Σ_{σ=+1} x_i to Xᵀσ. */
function subtractTotal(X: Matrix, out: Float64Array, m: number): Float64Array {
  const { rows: n, cols: d } = X;
  const total = new Float64Array(d); // Σ_i x_i
  for (let i = 0; i < n; i++) {
    const r = rowOf(X, i);
    for (let j = 0; j < d; j++) total[j] = (total[j] as number) + (r[j] as number);
  }
  for (let t = 0; t < m; t++) {
    for (let j = 0; j < d; j++) out[t * d + j] = 2 * (out[t * d + j] as number) - (total[j] as number);
  }
  return out;
}

/**
 * out[t] ← Σ_{i: σ_ti = +1} x_i for t < m, over compressed rows (monomorphic kernel; the pool's jobs
 * run this same function on their share of the draws). One draw at a time into a d-vector that
 * stays in L1: measured faster here than blocking draws (the scatter-add is latency-bound, ≈ 4 ns
 * per add on these machines) or streaming columns over draws.
 *
 * @param out - (m, d), overwritten
 * @param sigma - (m, n), entries ±1
 * @param rows - X (n, d) in compressed rows
 * @example
 * const out = new Float64Array(1 * 2);
 * addPositiveRowsSparse(out, Int8Array.from([1, -1]), 1, 2, 2, compressRows(toMatrix([[1, 0], [0, 3]]), { maxDensity: 1 })!);
 * // out = [1, 0]: only the first row has σ = +1
 */
export function addPositiveRowsSparse(out: Float64Array, sigma: Int8Array, m: number, n: number, d: number, rows: SparseRows): void {
  const { rowPtr, cols, values } = rows;
  const acc = new Float64Array(d);
  for (let t = 0; t < m; t++) {
    acc.fill(0);
    const so = t * n;
    for (let i = 0; i < n; i++) {
      if (sigma[so + i] !== 1) continue;
      const end = rowPtr[i + 1] as number;
      for (let p = rowPtr[i] as number; p < end; p++) {
        const j = cols[p] as number;
        acc[j] = (acc[j] as number) + (values[p] as number);
      }
    }
    out.set(acc, t * d);
  }
}

/** out[t] ← Σ_{i: σ_ti = +1} x_i over dense rows (monomorphic kernel, kept apart from the sparse one on purpose). */
function addPositiveRowsDense(out: Float64Array, sigma: Int8Array, m: number, n: number, d: number, data: Float64Array): void {
  const acc = new Float64Array(d);
  for (let t = 0; t < m; t++) {
    acc.fill(0);
    const so = t * n;
    for (let i = 0; i < n; i++) {
      if (sigma[so + i] !== 1) continue;
      const start = i * d;
      for (let j = 0; j < d; j++) acc[j] = (acc[j] as number) + (data[start + j] as number);
    }
    out.set(acc, t * d);
  }
}
