import { test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { interpolateExact } from '../src/expressivity/exact.js';
import { determinant, forwardSubstitute } from '../src/exact/linear.js';
import { ZERO, reluFraction, type Fraction } from '../src/exact/fraction.js';
import { integerSample } from './arbitraries.js';

/** A_ij = max(z_(i) − b_j, 0), dense, exact. */
function denseA(z: readonly Fraction[], b: readonly Fraction[]): Fraction[][] {
  return z.map((zi) => b.map((bj) => reluFraction(zi.sub(bj))));
}

/**
 * Lemma 1 (Zhang et al. 2017, Appendix C): with interleaved biases, A = [max(z_i − b_j, 0)] is
 * lower triangular with a positive diagonal, so A w = y has a unique solution. Checked exactly on
 * the dense matrix, with no structure assumed by the checker.
 */
describe('Lemma 1 — the interpolation matrix', () => {
  test.prop({ sample: integerSample(9, 4) })('A is lower triangular and det A = Π(z_i − b_i) > 0', ({ sample }) => {
    const net = interpolateExact(sample.X, sample.y);
    const A = denseA(net.zSorted, net.b);
    A.forEach((row, i) => row.forEach((aij, j) => { if (j > i) expect(aij).toEqualFraction(0); }));
    const product = net.zSorted.reduce((p, zi, i) => p.mul(zi.sub(net.b[i]!)), ZERO.add(1));
    expect(product.compare(0)).toBe(1);
    expect(determinant(A)).toEqualFraction(product);
  });

  test.prop({ sample: integerSample(10, 4) })('the O(n) prefix-sum recurrence equals the dense O(n²) triangular solve', ({ sample }) => {
    const net = interpolateExact(sample.X, sample.y);
    const ySorted = net.order.map((row) => ZERO.add(sample.y[row] as number));
    const wDense = forwardSubstitute(denseA(net.zSorted, net.b), ySorted);
    wDense.forEach((wj, j) => expect(net.w[j]!).toEqualFraction(wj));
  });
});
