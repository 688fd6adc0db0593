import { describe, expect, test } from 'vitest';
import { InputError } from '../../src/errors.js';
import { ridge, ridgeStability } from '../../src/rademacher/stability.js';

describe('ridge regression and its empirical stability', () => {
  test('ridge solves (XᵀX/m + λI) w = Xᵀy/m: checked in 1-D and 2-D by hand; λ must be positive', () => {
    // 1-D: x = (1, 2), y = (1, 3): XᵀX/m = 5/2, Xᵀy/m = 7/2 → w = 3.5/(2.5 + λ)
    const X = { rows: 2, cols: 1, data: Float64Array.from([1, 2]) };
    expect(ridge(X, Float64Array.from([1, 3]), 0.5)[0]).toBeCloseTo(3.5 / 3, 14);
    // 2-D orthogonal rows: each coordinate separately, w_j = (x_j y / m)/(x_j²/m + λ)
    const X2 = { rows: 2, cols: 2, data: Float64Array.from([2, 0, 0, 1]) };
    const w2 = ridge(X2, Float64Array.from([4, -3]), 1);
    expect(w2[0]).toBeCloseTo(4 / (2 + 1), 14);
    expect(w2[1]).toBeCloseTo(-1.5 / (0.5 + 1), 14);
    expect(() => ridge(X, Float64Array.from([1, 3]), 0)).toThrow(new InputError('ridge: λ must be positive, got 0'));
  });

  test('β̂ is the largest loss change at the test points over the replacements; defaults 20 replacements, seed 1', () => {
    // one training point (1, 1) replaced by (1, −1): w moves from 1/(1 + λ) to −1/(1 + λ)
    const lambda = 1;
    const est = ridgeStability([[1]], [1], { X: [[1]], y: [-1] }, { X: [[1], [2]], y: [0, 1] }, { lambda, kappa: 1, sigmaLipschitz: 3 });
    const loss = (w: number, x: number, y: number) => (w * x - y) ** 2;
    const expected = Math.max(Math.abs(loss(0.5, 1, 0) - loss(-0.5, 1, 0)), Math.abs(loss(0.5, 2, 1) - loss(-0.5, 2, 1)));
    expect(est.betaHat).toBeCloseTo(expected, 14);
    expect(est.betaBound).toBe((3 ** 2 * 1 ** 2) / (lambda * 1));
    expect([est.replacements, est.seed]).toEqual([20, 1]);
    expect(ridgeStability([[1]], [1], { X: [[1]], y: [-1] }, { X: [[1]], y: [0] }, { lambda, kappa: 1, sigmaLipschitz: 3, replacements: 3, seed: 4 })).toMatchObject({ replacements: 3, seed: 4 });
    // the loss is (⟨w, z⟩ − y)²: w = ½ replaced by w = 0 (fresh label 0) changes it at (1, 1) from ¼ to 1
    expect(ridgeStability([[1]], [1], { X: [[1]], y: [0] }, { X: [[1]], y: [1] }, { lambda, kappa: 1, sigmaLipschitz: 3 }).betaHat).toBeCloseTo(0.75, 14);
    expect(ridgeStability([[1]], [1], { X: [[1]], y: [0] }, { X: [[1]], y: [1] }, { lambda, kappa: 1, sigmaLipschitz: 3, replacements: 0 }).betaHat).toBe(0);
    // 2-D, two points: replacing point i by the fresh (0, 0) with label 5 removes coordinate i from w = (½, ½) (λ = ½);
    // at z = (0, 1) with label 0 the loss goes from ¼ to ¼ (i = 0) or to 0 (i = 1): β̂ = ¼ — the fresh point lands in row i, where its label goes
    const twoD = ridgeStability([[1, 0], [0, 1]], [1, 1], { X: [[0, 0]], y: [5] }, { X: [[0, 1]], y: [0] }, { lambda: 0.5, kappa: 1, sigmaLipschitz: 1 });
    expect(twoD.betaHat).toBeCloseTo(0.25, 14);
    expect(() => ridgeStability([[1]], [1], { X: [[1, 2]], y: [1] }, { X: [[1]], y: [0] }, { lambda, kappa: 1, sigmaLipschitz: 1 })).toThrow(
      new InputError('ridgeStability: fresh.X has 2 features but X has 1; the points must live in the same space'),
    );
    expect(() => ridgeStability([[1]], [1], { X: [[1]], y: [1] }, { X: [[1, 0]], y: [0] }, { lambda, kappa: 1, sigmaLipschitz: 1 })).toThrow(/test.X has 2 features/);
    // bad fresh or test data are refused under their own names
    const ok = { X: [[1]], y: [0] };
    const opts = { lambda, kappa: 1, sigmaLipschitz: 1 };
    expect(() => ridgeStability([[1]], [1], { X: [[NaN]], y: [0] }, ok, opts)).toThrow(/^fresh\.X\[0\]\[0\] is NaN/);
    expect(() => ridgeStability([[1]], [1], { X: [[1]], y: [0, 1] }, ok, opts)).toThrow(/^fresh\.y: 2 labels for 1 points/);
    expect(() => ridgeStability([[1]], [1], ok, { X: [[NaN]], y: [0] }, opts)).toThrow(/^test\.X\[0\]\[0\] is NaN/);
    expect(() => ridgeStability([[1]], [1], ok, { X: [[1]], y: [NaN] }, opts)).toThrow(/^test\.y\[0\] is NaN/);
  });
});
