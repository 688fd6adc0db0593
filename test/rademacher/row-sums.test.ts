/**
 * Signed row sums Xᵀσ (src/rademacher/row-sums.ts) on small integer matrices, where every sum is exact:
 * the dense and the compressed-rows kernels against the definition, and the pool path of
 * signedRowSumsAsync with a runner that calls the pool's job in this thread (test/rademacher/
 * signed-row-sums.test.ts runs it on real worker threads, which load dist/ and are left out of
 * mutation testing).
 */
import { describe, expect, test } from 'vitest';
import { compressRows, type Matrix } from '../../src/data/matrix.js';
import { InputError } from '../../src/errors.js';
import { positiveRowSumsJob, type PositiveRowSumsArgs } from '../../src/rademacher/jobs.js';
import { PARALLEL_MIN_WORK, type JobRunner } from '../../src/rademacher/parallel.js';
import { addPositiveRowsSparse, signedRowSums, signedRowSumsAsync } from '../../src/rademacher/row-sums.js';
import { Rng } from '../../src/random/rng.js';
import type { Job } from '../../src/workers/pool.js';

/** X (n, d) with small integer entries, each non-zero with probability `density`. */
function integerMatrix(rng: Rng, n: number, d: number, density: number): Matrix {
  const data = new Float64Array(n * d);
  for (let k = 0; k < data.length; k++) if (rng.uniform() < density) data[k] = (1 + Math.floor(rng.uniform() * 9)) * (rng.uniform() < 0.5 ? -1 : 1); // ±1 … ±9
  return { rows: n, cols: d, data };
}

function signs(rng: Rng, count: number): Int8Array {
  return Int8Array.from({ length: count }, () => (rng.uniform() < 0.5 ? 1 : -1));
}

/** Xᵀσ_t for each draw t, from the definition: Σ_i σ_ti·x_ij. */
function definition(X: Matrix, sigma: Int8Array, m: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < m; t++) {
    for (let j = 0; j < X.cols; j++) {
      let s = 0;
      for (let i = 0; i < X.rows; i++) s += sigma[t * X.rows + i]! * X.data[i * X.cols + j]!;
      out.push(s);
    }
  }
  return out;
}

/** A runner that runs the pool's job in this thread, recording each job's window of draws. */
function inProcessRunner(threads: number): JobRunner & { windows: [number, number][] } {
  const windows: [number, number][] = [];
  return {
    threads,
    windows,
    async runAll<R>(jobs: readonly Job[]): Promise<R[]> {
      return jobs.map((job) => {
        expect([job.module, job.export]).toEqual(['rademacher/jobs.js', 'positiveRowSumsJob']);
        const args = job.args as PositiveRowSumsArgs;
        windows.push([args.t0, args.t1]);
        return positiveRowSumsJob(args) as R;
      });
    },
  };
}

describe('signed row sums Xᵀσ', () => {
  test.each([
    ['dense rows (density 0.9: the dense kernel)', 7, 5, 0.9, 4],
    ['compressed rows (density 0.3)', 9, 6, 0.3, 5],
    ['one row, one column', 1, 1, 1, 3],
    ['a zero matrix', 4, 3, 0, 2],
    ['no draws', 4, 3, 0.4, 0],
  ] as const)('equal Σ_i σ_ti·x_i exactly, on this thread and via the async entry: %s', async (_name, n, d, density, m) => {
    const rng = new Rng(n * 100 + d);
    const X = integerMatrix(rng, n, d, density);
    const sigma = signs(rng, m * n);
    expect(compressRows(X) === null).toBe(density > 0.5); // the kernel the case is meant to reach
    const want = definition(X, sigma, m);
    expect(Array.from(signedRowSums(X, sigma, m))).toEqual(want);
    const runner = inProcessRunner(2);
    expect(Array.from(await signedRowSumsAsync(X, sigma, m, runner))).toEqual(want);
    expect(runner.windows).toEqual([]); // far below PARALLEL_MIN_WORK: no job
  });

  test('a sigma of the wrong length is refused with both shapes', async () => {
    const X = integerMatrix(new Rng(1), 3, 2, 1);
    const expected = 'signedRowSums: sigma has 5 entries, expected (m, n) = (2, 3)';
    expect(() => signedRowSums(X, new Int8Array(5).fill(1), 2)).toThrow(InputError);
    expect(() => signedRowSums(X, new Int8Array(5).fill(1), 2)).toThrow(expected);
    await expect(signedRowSumsAsync(X, new Int8Array(5).fill(1), 2, inProcessRunner(2))).rejects.toThrow(expected);
    await expect(signedRowSumsAsync(X, new Int8Array(7).fill(1), 2, inProcessRunner(2))).rejects.toThrow('sigma has 7 entries');
  });

  test('from PARALLEL_MIN_WORK row additions on, the pool takes the draws in one window per thread, with the same numbers', async () => {
    const rng = new Rng(5);
    const n = 400;
    const d = 50;
    const X = integerMatrix(rng, n, d, 0.4);
    const nnz = compressRows(X)!.values.length; // compressed: density ≈ 0.4 ≤ ½
    const m = Math.ceil((2 * PARALLEL_MIN_WORK) / nnz) + 1; // m·nnz/2 ≥ PARALLEL_MIN_WORK
    const sigma = signs(rng, m * n);
    const single = signedRowSums(X, sigma, m);
    const three = inProcessRunner(3);
    const pooled = await signedRowSumsAsync(X, sigma, m, three);
    expect(three.windows).toEqual([[0, Math.floor(m / 3)], [Math.floor(m / 3), Math.floor((2 * m) / 3)], [Math.floor((2 * m) / 3), m]]);
    expect(Array.from(pooled)).toEqual(Array.from(single));
    expect(pooled.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    for (const t of [0, Math.floor(m / 2), m - 1]) {
      const one = definition(X, sigma.subarray(t * n, (t + 1) * n), 1);
      expect(Array.from(pooled.subarray(t * d, (t + 1) * d))).toEqual(one);
    }
    // One thread gains nothing: the same batch stays on this thread.
    const alone = inProcessRunner(1);
    expect(Array.from(await signedRowSumsAsync(X, sigma, m, alone))).toEqual(Array.from(single));
    expect(alone.windows).toEqual([]);
    // Just below the threshold: no job either.
    const below = Math.floor((2 * (PARALLEL_MIN_WORK - 1)) / nnz);
    const few = inProcessRunner(2);
    await signedRowSumsAsync(X, sigma.subarray(0, below * n), below, few);
    expect(few.windows).toEqual([]);
  });

  test('addPositiveRowsSparse overwrites out with the sums of the rows whose sign is +1', () => {
    const rows = compressRows({ rows: 3, cols: 2, data: Float64Array.from([1, 0, 0, 3, 5, 7]) }, { maxDensity: 1 })!;
    const out = new Float64Array(2 * 2).fill(99);
    addPositiveRowsSparse(out, Int8Array.from([1, -1, 1, /**/ -1, 1, -1]), 2, 3, 2, rows);
    expect(Array.from(out)).toEqual([6, 7, /**/ 0, 3]);
  });
});
