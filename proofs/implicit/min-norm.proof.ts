import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { ZERO, toFraction } from '../../src/exact/fraction.js';
import { solveExact } from '../../src/exact/linear.js';
import { fractionRows, minNormExact, squaredNorm } from '../../src/implicit/exact.js';
import { gdLeastSquares, minNormSolution, sgdLeastSquares, sgdLimit } from '../../src/implicit/least-squares.js';
import { Rng } from '../../src/random/rng.js';
import { MlMatrix } from '../../src/linalg/dense.js';
import { SingularValueDecomposition } from 'ml-matrix';

/**
 * Paper §5: from w₀ = 0 SGD converges to the minimum-norm interpolant X⁺y; from w₀ ≠ 0 to
 * X⁺y + (I − P_row)w₀; every interpolant satisfies ‖w‖² = ‖X⁺y‖² + ‖w − X⁺y‖² (exact).
 */
describe('SGD finds the minimum-norm interpolant', () => {
  const gaussianProblem = fc.record({ seed: fc.integer({ min: 1, max: 1e6 }), n: fc.integer({ min: 2, max: 20 }), extra: fc.integer({ min: 1, max: 40 }) });

  test.prop({ p: gaussianProblem }, { numRuns: 25 })('SGD from 0 → X⁺y, from w₀ → X⁺y + (I − P_row)w₀, and GD too: ‖w − limit‖ ≤ ‖Xw − y‖/σ_min wherever they stop', ({ p }) => {
    const rng = new Rng(p.seed);
    const d = p.n + p.extra;
    const X = Array.from({ length: p.n }, () => Array.from({ length: d }, () => rng.gaussian()));
    const y = Array.from({ length: p.n }, () => rng.gaussian());
    const w0 = Array.from({ length: d }, () => rng.gaussian());
    const target = minNormSolution(X, y);
    const dist = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, v, j) => s + (v - (b[j] as number)) ** 2, 0));
    const scale = Math.sqrt(Array.from(target).reduce((s, v) => s + v * v, 0));
    // w − limit lies in the row span, where ‖Xe‖ ≥ σ_min(X)·‖e‖: so wherever SGD stopped,
    // ‖w − limit‖ ≤ ‖Xw − y‖ / σ_min — exact up to rounding, for every conditioning
    const sMin = Math.min(...new SingularValueDecomposition(new MlMatrix(X), { autoTranspose: true }).diagonal.slice(0, p.n));
    const within = (w: ArrayLike<number>, limit: ArrayLike<number>, residual: number) =>
      expect(dist(w, limit)).toBeLessThanOrEqual((1 + 1e-6) * (residual / sMin) + 1e-9 * (1 + scale));
    const fromZero = sgdLeastSquares(X, y, { seed: p.seed, epochs: 50000 });
    within(fromZero.w, target, fromZero.residual);
    const fromW0 = sgdLeastSquares(X, y, { seed: p.seed, epochs: 50000, w0 });
    const limit = sgdLimit(X, y, w0);
    within(fromW0.w, limit, fromW0.residual);
    // well-conditioned problems do get there: SGD interpolates to 1e−9 of ‖y‖
    if (sMin > 0.1) expect(fromZero.residual).toBeLessThanOrEqual(1e-9 * Math.hypot(...y));
    // full-batch GD has the same limit
    const gd = gdLeastSquares(X, y, { w0, epochs: 20000 });
    within(gd.w, limit, gd.residual);
    // and the tracked coordinates reproduce w: w = w₀ + Xᵀα
    const rebuilt = w0.map((v, j) => v + X.reduce((s, row, i) => s + row[j]! * fromW0.alpha[i]!, 0));
    expect(dist(rebuilt, fromW0.w)).toBeLessThanOrEqual(1e-9 * (1 + scale));
  });

  const integerProblem = fc.record({ n: fc.integer({ min: 1, max: 4 }), extra: fc.integer({ min: 0, max: 3 }) }).chain(({ n, extra }) =>
    fc.record({
      X: fc.array(fc.array(fc.integer({ min: -4, max: 4 }), { minLength: n + extra, maxLength: n + extra }), { minLength: n, maxLength: n }),
      y: fc.array(fc.integer({ min: -6, max: 6 }), { minLength: n, maxLength: n }),
      free: fc.array(fc.integer({ min: -5, max: 5 }), { minLength: n + extra, maxLength: n + extra }),
    }),
  );
  test.prop({ p: integerProblem })('Pythagoras, exactly: ‖w‖² = ‖X⁺y‖² + ‖w − X⁺y‖² for an arbitrary interpolant w', ({ p }) => {
    const X = fractionRows(p.X);
    const star = minNormExact(X, p.y);
    fc.pre(star !== null);
    // an arbitrary interpolant: solve Xw = y with the free coordinates set at random
    const w = solveExact(X, p.y.map((v) => toFraction(v)), p.free.map((v) => toFraction(v)))!;
    X.forEach((xi, i) => expect(xi.reduce((s, v, j) => s.add(v.mul(w[j]!)), ZERO)).toEqualFraction(p.y[i]!));
    const diff = w.map((v, j) => v.sub(star![j]!));
    expect(squaredNorm(w)).toEqualFraction(squaredNorm(star!).add(squaredNorm(diff)));
    expect(squaredNorm(star!).compare(squaredNorm(w))).toBeLessThanOrEqual(0);
  });
});
