/**
 * The paper's comparison (compareClasses, §2.2) on a small sample, in-process: the three classes with
 * their names, scales and draws, the defaults, and the async path giving the same rows.
 */
import { describe, expect, test } from 'vitest';
import { toMatrix } from '../../src/data/matrix.js';
import { compareClasses, compareClassesAsync } from '../../src/rademacher/compare.js';

describe('compareClasses', () => {
  const X = toMatrix([[3, 4], [0, 1], [1, 0], [2, 2]]); // max‖x‖ = 5

  test('three classes: the linear one scaled by 1/max‖x‖, the Gaussian ball, and the ReLU class with at most 10 draws', async () => {
    const rows = compareClasses(X, { draws: 30, seed: 2 });
    expect(rows.map((r) => r.class)).toEqual(['linear-l2, ‖w‖ ≤ 1/max‖x‖ (= 0.200)', 'rkhs-gaussian γ = 0.02, ‖f‖ ≤ 1', 'relu-2layer (Theorem 1, clipped)']);
    expect(rows.map((r) => r.draws)).toEqual([30, 30, 10]);
    expect(rows.map((r) => r.n)).toEqual([4, 4, 4]);
    // |h| ≤ 1 on the sample for the two balls, so R̂ ≤ 1; for the linear one every draw is (1/5n)‖Σσ_i x_i‖ ≤ (1/5n)Σ‖x_i‖
    expect(rows[0]!.estimate).toBeLessThanOrEqual((5 + 1 + 1 + Math.sqrt(8)) / 20 + 1e-12);
    expect(rows[0]!.estimate).toBeGreaterThan(0);
    expect(rows[1]!.estimate).toBeLessThanOrEqual(1);
    expect(rows[2]!.estimate).toBe(1); // the ReLU class fits every sign vector
    expect(rows[2]!.vacuous).toBe(true);
    // δ defaults to 0.05, and the async path gives the same rows
    expect(compareClasses(X, { draws: 30, seed: 2, delta: 0.05 })).toEqual(rows);
    expect(await compareClassesAsync(X, { draws: 30, seed: 2 })).toEqual(rows);
    expect(compareClasses(X, { draws: 30, seed: 2, delta: 0.5 })[0]!.mohriGap).toBeLessThan(rows[0]!.mohriGap);
  });
});
