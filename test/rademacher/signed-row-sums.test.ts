import { availableParallelism } from 'node:os';
import { describe, expect, test } from 'vitest';
import { compressRows } from '../../src/data/matrix.js';
import { loadDataset } from '../../src/data/dataset.js';
import { drawSigns } from '../../src/rademacher/estimate.js';
import { signedRowSums } from '../../src/rademacher/oracles.js';
import { PARALLEL_MIN_WORK, parallelWorthIt } from '../../src/rademacher/parallel.js';
import { Rng } from '../../src/random/rng.js';

// Kept apart from oracles.test.ts: minutes when instrumented, so the mutation run leaves it out.
describe('signed row sums Xᵀσ on MNIST', () => {
  test('bit-identical to the single-thread dense path (same additions in the same order)', () => {
    const X = loadDataset({ source: 'mnist', n: 6000, seed: 3, test: false }).matrix('train');
    const m = 151; // odd: the split is uneven
    const work = (m * compressRows(X)!.values.length) / 2;
    expect(work).toBeGreaterThan(PARALLEL_MIN_WORK);
    expect(parallelWorthIt(work)).toBe(availableParallelism() > 1); // two threads wherever there are two cores
    const sigma = drawSigns(X.rows, m, new Rng(8));
    const threaded = signedRowSums(X, sigma, m);
    // Σ_{σ=+1} x_i, twice, minus Σ x_i, by plain dense loops in the same order
    const dense = new Float64Array(m * X.cols);
    const total = new Float64Array(X.cols);
    for (let i = 0; i < X.rows; i++) for (let j = 0; j < X.cols; j++) total[j]! += X.data[i * X.cols + j]!;
    for (let t = 0; t < m; t++) {
      const acc = new Float64Array(X.cols);
      for (let i = 0; i < X.rows; i++) if (sigma[t * X.rows + i] === 1) for (let j = 0; j < X.cols; j++) acc[j]! += X.data[i * X.cols + j]!;
      for (let j = 0; j < X.cols; j++) dense[t * X.cols + j] = 2 * acc[j]! - total[j]!;
    }
    expect(Array.from(threaded)).toEqual(Array.from(dense));
  });
});
