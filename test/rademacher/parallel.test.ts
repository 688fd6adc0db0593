import { availableParallelism } from 'node:os';
import { describe, expect, test } from 'vitest';
import { compressRows } from '../../src/data/matrix.js';
import { PARALLEL_MIN_WORK, accumulateInParallel, parallelWorthIt } from '../../src/rademacher/parallel.js';

describe('the two-thread accumulation', () => {
  test('the worker and this thread split the draws: small rows, an odd number of draws, the same sums as one loop', () => {
    // 3 rows in d = 4: (1, 0, 2, 0), (0, 3, 0, 0), (0, 0, 0, −1), as shared compressed rows
    const X = { rows: 3, cols: 4, data: Float64Array.from([1, 0, 2, 0, 0, 3, 0, 0, 0, 0, 0, -1]) };
    const rows = compressRows(X, { shared: true, maxDensity: 1 })!;
    const m = 5;
    const sigma = Int8Array.from([1, 1, 1, -1, 1, -1, 1, -1, 1, -1, -1, -1, 1, 1, -1]); // (5, 3)
    const loop = (out: Float64Array, s: Int8Array, mm: number) => {
      for (let t = 0; t < mm; t++) for (let i = 0; i < 3; i++) if (s[t * 3 + i] === 1) for (let j = 0; j < 4; j++) out[t * 4 + j]! += X.data[i * 4 + j]!;
    };
    const out = accumulateInParallel(rows, sigma, m, 3, 4, loop);
    const expected = new Float64Array(m * 4);
    loop(expected, sigma, m);
    expect(Array.from(out)).toEqual(Array.from(expected));
    expect(Array.from(out.subarray(8, 12))).toEqual([1, 0, 2, -1]); // draw 2 (σ = +, −, +), computed by the worker
  });

  test('two threads pay off from PARALLEL_MIN_WORK row additions on, where there are two cores', () => {
    expect(parallelWorthIt(PARALLEL_MIN_WORK - 1)).toBe(false);
    expect(parallelWorthIt(PARALLEL_MIN_WORK)).toBe(availableParallelism() > 1);
  });
});
