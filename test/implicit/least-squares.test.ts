import { describe, expect, test } from 'vitest';
import { InputError } from '../../src/errors.js';
import { gdLeastSquares, minNormSolution, residualNorm, sgdLeastSquares, sgdLimit } from '../../src/implicit/least-squares.js';
import { toMatrix } from '../../src/data/matrix.js';

/**
 * SGD and GD on (1/2n)‖Xw − y‖² (paper §5) on problems solved by hand: steps, limits, the tracked row
 * coordinates α, the stopping rule, the defaults, and the refusals.
 */
describe('least squares by SGD and GD', () => {
  test('one example: each SGD step moves w along x by η(y − ⟨x, w⟩); α tracks it; w → y·x/‖x‖² (the minimum-norm solution)', () => {
    const X = [[3, 4]]; // ‖x‖² = 25
    const r = sgdLeastSquares(X, [5], { lr: 0.02, epochs: 1, tol: 0 }); // one step from 0: w = 0.02·5·x
    expect(r.w[0]).toBeCloseTo(0.3, 15);
    expect(r.w[1]).toBeCloseTo(0.4, 15);
    expect(r.alpha[0]).toBeCloseTo(0.1, 15);
    expect([r.steps, r.epochs, r.seed]).toEqual([1, 1, 1]);
    expect(r.residual).toBeCloseTo(Math.abs(5 - 0.1 * 25), 14);
    const done = sgdLeastSquares(X, [5]); // default η = 1/‖x‖²: one step lands on the solution
    expect(done.w[0]).toBeCloseTo(0.6, 15);
    expect(done.w[1]).toBeCloseTo(0.8, 15);
    expect(done.steps).toBe(1);
    expect(Array.from(minNormSolution(X, [5])).map((v) => Number(v.toFixed(12)))).toEqual([0.6, 0.8]);
  });

  test('from w₀ the limit is X⁺y + (I − P_row)w₀; GD reaches it too; α reproduces w − w₀', () => {
    const X = [[1, 0, 1], [0, 1, 1]];
    const y = [2, -1];
    const w0 = [1, 2, 3];
    const limit = sgdLimit(X, y, w0);
    const sgd = sgdLeastSquares(X, y, { w0, seed: 5, epochs: 5000 });
    const gd = gdLeastSquares(X, y, { w0 });
    for (const r of [sgd, gd]) {
      r.w.forEach((v, j) => expect(v).toBeCloseTo(limit[j]!, 9));
      const rebuilt = w0.map((v, j) => v + X.reduce((s, row, i) => s + row[j]! * r.alpha[i]!, 0));
      rebuilt.forEach((v, j) => expect(v).toBeCloseTo(r.w[j]!, 12));
      expect(r.residual).toBeLessThanOrEqual(1e-12 * Math.hypot(...y));
    }
    expect(gd.seed).toBeNull();
    // the limit interpolates and differs from w₀ by a row-span vector
    expect(residualNorm(toMatrix(X), limit, y)).toBeLessThan(1e-12);
    expect(limit[0]! + limit[1]! - limit[2]! - (w0[0]! + w0[1]! - w0[2]!)).toBeCloseTo(0, 12); // (1, 1, −1) ⟂ rows
  });

  test('more rows than columns: the least-squares solution (pseudo-inverse), and a budget that stops early', () => {
    const X = [[1], [1], [1]];
    expect(minNormSolution(X, [1, 2, 6])[0]).toBeCloseTo(3, 12);
    const early = sgdLeastSquares([[1, 0], [0, 1]], [1, 1], { lr: 0.1, epochs: 3, tol: 0 });
    expect([early.epochs, early.steps]).toEqual([3, 6]);
    expect(early.residual).toBeGreaterThan(0.5);
    const gdEarly = gdLeastSquares([[1, 0], [0, 1]], [1, 1], { lr: 0.1, epochs: 4 });
    expect(gdEarly.steps).toBe(4);
    expect(gdEarly.w[0]).toBeCloseTo(1 - 0.95 ** 4, 12); // w ← w − (η/n)(w − 1) with η/n = 0.05
  });

  test('the stopping rule is relative and inclusive: stop once ‖Xw − y‖ ≤ tol·‖y‖', () => {
    // w ← w − ½(w − 4) from 0: the residual is 4·2^−t exactly, and tol·‖y‖ = 2^−3·4 = ½ is reached at t = 3
    for (const r of [sgdLeastSquares([[1]], [4], { lr: 0.5, tol: 2 ** -3 }), gdLeastSquares([[1]], [4], { lr: 0.5, tol: 2 ** -3 })]) {
      expect([r.steps, r.residual, r.w[0]]).toEqual([3, 0.5, 3.5]);
    }
    // y = 0 from w₀ ≠ 0: the tolerance is then absolute (‖y‖ taken as 1)
    const zero = sgdLeastSquares([[1]], [0], { w0: [4], lr: 0.5, tol: 2 ** -3 });
    expect([zero.steps, zero.residual]).toEqual([5, 0.125]);
  });

  test('n ≤ d but rank-deficient (a repeated row): XXᵀ is singular, so the pseudo-inverse gives the least-squares solution', () => {
    const w = minNormSolution([[1, 0], [1, 0]], [1, 3]); // the two equations w₁ = 1, w₁ = 3: least squares w₁ = 2, and w₂ = 0 for the minimum norm
    expect(w[0]).toBeCloseTo(2, 12);
    expect(w[1]).toBeCloseTo(0, 12);
  });

  test('refusals: zero data, step sizes that do not contract, a w₀ of the wrong size, divergence', () => {
    expect(() => sgdLeastSquares([[0, 0]], [1])).toThrow(new InputError('sgd: every row of X is zero'));
    expect(() => sgdLeastSquares([[1, 1]], [1], { lr: 1 })).toThrow('sgd: step size 1 must lie in (0, 2/max‖x‖²) = (0, 1) for the steps to contract');
    expect(() => sgdLeastSquares([[1, 1]], [1], { lr: 0 })).toThrow(InputError);
    expect(() => sgdLeastSquares([[1, 1]], [1], { w0: [1] })).toThrow('sgd: w0 has 1 entries but the data have d = 2 features');
    expect(() => gdLeastSquares([[0]], [1])).toThrow(new InputError('gd: X is zero'));
    expect(() => gdLeastSquares([[1]], [1], { lr: -1 })).toThrow('gd: step size -1 must be positive');
    expect(() => gdLeastSquares([[1]], [1], { lr: 0 })).toThrow('gd: step size 0 must be positive');
    expect(() => gdLeastSquares([[1, 1]], [1], { w0: [1, 2, 3] })).toThrow('gd: w0 has 3 entries but the data have d = 2 features');
    expect(() => gdLeastSquares([[2]], [1], { lr: 1000, epochs: 2000 })).toThrow(/\(the default n\/‖X‖_F² = 0\.25 is safe\)/);
    expect(() => gdLeastSquares([[1]], [1], { lr: 1000, epochs: 2000 })).toThrow(/gd: diverged at step \d+ with step size 1000; use η < 2\/λ_max\(XᵀX\/n\) \(the default n\/‖X‖_F² = 1 is safe\)/);
  });
});
