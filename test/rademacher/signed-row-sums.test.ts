import { afterAll, describe, expect, test } from 'vitest';
import { compressRows } from '../../src/data/matrix.js';
import { loadDataset } from '../../src/data/dataset.js';
import { drawSigns } from '../../src/rademacher/estimate.js';
import { signedRowSums, signedRowSumsAsync } from '../../src/rademacher/oracles.js';
import { PARALLEL_MIN_WORK } from '../../src/rademacher/parallel.js';
import { Rng } from '../../src/random/rng.js';
import { WorkerPool, type Job, type RunOptions } from '../../src/workers/pool.js';

/** The worker pool, counting the jobs it runs. */
class CountingPool extends WorkerPool {
  jobs = 0;
  override run<R>(job: Job, options?: RunOptions): Promise<R> {
    this.jobs++;
    return super.run<R>(job, options);
  }
}
const pool = new CountingPool({ threads: 2 });
afterAll(() => pool.destroy());

// Kept apart from oracles.test.ts: minutes when instrumented, so the mutation run leaves it out.
describe('signed row sums Xᵀσ on MNIST', () => {
  test('the worker pool\'s result is bit-identical to the single thread\'s and to the plain dense loop (same additions in the same order)', async () => {
    const X = loadDataset({ source: 'mnist', n: 6000, seed: 3, test: false }).matrix('train');
    const m = 151; // odd: the shares are uneven
    expect((m * compressRows(X)!.values.length) / 2).toBeGreaterThan(PARALLEL_MIN_WORK);
    const sigma = drawSigns(X.rows, m, new Rng(8));
    const pooled = await signedRowSumsAsync(X, sigma, m, pool);
    expect(pool.jobs).toBe(2); // the pool path was taken: one job per thread
    const single = signedRowSums(X, sigma, m);
    // Σ_{σ=+1} x_i, twice, minus Σ x_i, by plain dense loops in the same order
    const dense = new Float64Array(m * X.cols);
    const total = new Float64Array(X.cols);
    for (let i = 0; i < X.rows; i++) for (let j = 0; j < X.cols; j++) total[j]! += X.data[i * X.cols + j]!;
    for (let t = 0; t < m; t++) {
      const acc = new Float64Array(X.cols);
      for (let i = 0; i < X.rows; i++) if (sigma[t * X.rows + i] === 1) for (let j = 0; j < X.cols; j++) acc[j]! += X.data[i * X.cols + j]!;
      for (let j = 0; j < X.cols; j++) dense[t * X.cols + j] = 2 * acc[j]! - total[j]!;
    }
    expect(Array.from(single)).toEqual(Array.from(dense));
    expect(Array.from(pooled)).toEqual(Array.from(dense));
    expect(pooled.buffer).not.toBeInstanceOf(SharedArrayBuffer); // a plain array, like the single thread's
  });
});
