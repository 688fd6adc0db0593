/**
 * The Rademacher module's parallel path on the one worker pool: the draws split into one job per
 * thread, the same sums as one loop, the threshold, a pool opened only on use — and failures that
 * reject the caller at once (the inline worker this replaced blocked in Atomics.wait, so a worker
 * that threw or died hung its caller forever).
 */
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { compressRows, type Matrix } from '../../src/data/matrix.js';
import { estimateRademacher, estimateRademacherAsync } from '../../src/rademacher/estimate.js';
import { linearL2 } from '../../src/rademacher/oracles.js';
import { PARALLEL_MIN_WORK, accumulateOnPool, lazyPool, parallelWorthIt } from '../../src/rademacher/parallel.js';
import { Rng } from '../../src/random/rng.js';
import { WorkerPool, type Job, type RunOptions } from '../../src/workers/pool.js';

const fixtures = join(import.meta.dirname, '../fixtures/workers/jobs.mjs');

/** A real pool that records the jobs it is given. */
class RecordingPool extends WorkerPool {
  readonly jobs: Job[] = [];
  override run<R>(job: Job, options?: RunOptions): Promise<R> {
    this.jobs.push(job);
    return super.run<R>(job, options);
  }
}

/** A real pool whose every job is replaced by a fixture job: `fail` throws, `crash` ends its worker. */
class SabotagedPool extends WorkerPool {
  constructor(private readonly sabotage: 'fail' | 'crash') {
    super({ threads: 2 });
  }
  override run<R>(job: Job, options?: RunOptions): Promise<R> {
    return super.run<R>(job.module === fixtures ? job : { module: fixtures, export: this.sabotage, args: 'injected failure' }, options);
  }
}

const pools: WorkerPool[] = [];
afterAll(() => Promise.all(pools.map((p) => p.destroy())));

/** n rows, d columns, `perRow` seeded non-zeros per row (integers 1 … 9): sparse, so its sums can go to the pool. */
function sparseSample(n: number, d: number, perRow: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let k = 0; k < perRow; k++) data[i * d + rng.int(d)] = 1 + rng.int(9);
  return { rows: n, cols: d, data };
}

/** Settles with `promise`, or rejects with 'still pending after 1 s'. */
function withinASecond<T>(promise: Promise<T>): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('still pending after 1 s')), 1000))]);
}

describe('signed row sums on the worker pool', () => {
  test('one job per thread over contiguous shares of the draws (an odd number of them): the same sums as one loop', async () => {
    // 3 rows in d = 4: (1, 0, 2, 0), (0, 3, 0, 0), (0, 0, 0, −1), as shared compressed rows
    const X = { rows: 3, cols: 4, data: Float64Array.from([1, 0, 2, 0, 0, 3, 0, 0, 0, 0, 0, -1]) };
    const rows = compressRows(X, { shared: true, maxDensity: 1 })!;
    const m = 5;
    const sigma = Int8Array.from([1, 1, 1, -1, 1, -1, 1, -1, 1, -1, -1, -1, 1, 1, -1]); // (5, 3), not shared: copied
    const pool = new RecordingPool({ threads: 2 });
    pools.push(pool);
    const out = await accumulateOnPool(rows, sigma, m, 3, 4, pool);
    const expected = new Float64Array(m * 4);
    for (let t = 0; t < m; t++) for (let i = 0; i < 3; i++) if (sigma[t * 3 + i] === 1) for (let j = 0; j < 4; j++) expected[t * 4 + j]! += X.data[i * 4 + j]!;
    expect(Array.from(out)).toEqual(Array.from(expected));
    expect(Array.from(out.subarray(8, 12))).toEqual([1, 0, 2, -1]); // draw 2 (σ = +, −, +)
    expect(pool.jobs.map((j) => [j.module, j.export, (j.args as { t0: number }).t0, (j.args as { t1: number }).t1])).toEqual([
      ['rademacher/jobs.js', 'positiveRowSumsJob', 0, 2],
      ['rademacher/jobs.js', 'positiveRowSumsJob', 2, 5],
    ]);
  });

  test('the pool pays off from PARALLEL_MIN_WORK row additions on, with two threads or more', () => {
    expect(parallelWorthIt(PARALLEL_MIN_WORK - 1, 2)).toBe(false);
    expect(parallelWorthIt(PARALLEL_MIN_WORK, 2)).toBe(true);
    expect(parallelWorthIt(PARALLEL_MIN_WORK, 1)).toBe(false);
  });

  test('a lazy pool starts nothing until a job runs (closing it unused is a no-op), then runs jobs like a pool', async () => {
    await lazyPool(2).close();
    const pool = lazyPool(2);
    expect(pool.threads).toBe(2);
    expect(await pool.runAll([{ module: fixtures, export: 'double', args: 21 }])).toEqual([42]);
    await pool.close();
  });

  test('estimateRademacherAsync above the threshold: its jobs run on the pool, and every value is the single-thread one', async () => {
    const X = sparseSample(1000, 1000, 100, 4); // ≈ 10⁵ non-zeros
    expect((1200 * compressRows(X)!.values.length) / 2).toBeGreaterThanOrEqual(PARALLEL_MIN_WORK); // 1200 draws: above the threshold
    const pool = new RecordingPool({ threads: 2 });
    pools.push(pool);
    const parallel = await estimateRademacherAsync(linearL2(X, 1), { draws: 1200, seed: 6, pool });
    expect(pool.jobs).toHaveLength(2);
    const single = estimateRademacher(linearL2(X, 1), { draws: 1200, seed: 6 });
    expect(Array.from(parallel.values)).toEqual(Array.from(single.values));
    expect(parallel.estimate).toBe(single.estimate);
  });

  test.each(['fail', 'crash'] as const)('a job that throws or a worker that dies (%s) rejects the Rademacher caller within a second', async (sabotage) => {
    const pool = new SabotagedPool(sabotage);
    pools.push(pool);
    expect(await pool.run({ module: fixtures, export: 'double', args: 1 })).toBe(2); // workers started: time the failure, not the start-up
    const X = sparseSample(1000, 1000, 100, 5);
    const estimate = estimateRademacherAsync(linearL2(X, 1), { draws: 1200, seed: 1, pool }); // above the threshold, as above
    await expect(withinASecond(estimate)).rejects.toThrow(sabotage === 'fail' ? 'injected failure' : /exit|terminat/i);
    expect(await pool.run({ module: fixtures, export: 'double', args: 2 })).toBe(4); // and the pool still works
  });
});
