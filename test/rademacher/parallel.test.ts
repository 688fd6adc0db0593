import { availableParallelism } from 'node:os';
import { describe, expect, test } from 'vitest';
import { mnistMatrix } from '../../src/data/mnist.js';
import { drawSigns } from '../../src/rademacher/estimate.js';
import { signedRowSums } from '../../src/rademacher/oracles.js';
import { PARALLEL_MIN_WORK, parallelWorthIt } from '../../src/rademacher/parallel.js';
import { Rng } from '../../src/random/rng.js';

describe('two-thread signed row sums', () => {
  test('bit-identical to the single-thread dense path (same additions in the same order)', () => {
    const { X } = mnistMatrix('train', 6000, 3);
    const m = 151; // odd: the split is uneven
    const work = (m * X.sparse!.values.length) / 2;
    expect(work).toBeGreaterThan(PARALLEL_MIN_WORK);
    expect(parallelWorthIt(work)).toBe(availableParallelism() > 1); // two threads wherever there are two cores
    const sigma = drawSigns(X.rows, m, new Rng(8));
    const threaded = signedRowSums(X, sigma, m);
    const dense = signedRowSums({ rows: X.rows, cols: X.cols, data: X.data }, sigma, m);
    expect(Array.from(threaded)).toEqual(Array.from(dense));
  });
});
