import { describe, expect, test } from 'vitest';
import { InputError } from '../../src/errors.js';
import {
  allFunctions,
  finiteClass,
  gaussianGram,
  intervals,
  linearL1,
  linearL2,
  polynomialGram,
  relu2Layer,
  rkhsBall,
  thresholds,
  twoSidedThresholds,
} from '../../src/rademacher/oracles.js';

describe('oracles: names, ranges, refusals', () => {
  test('finite classes: range, integrality, the sup per σ, and a σ of the wrong size refused', () => {
    const F = finiteClass([[1, -2], [0.5, 3]]);
    expect([F.name, F.n, F.range, F.integerValued]).toEqual(['finite (2 hypotheses)', 2, 3, false]);
    expect(Array.from(F.supBatch(Int8Array.from([1, -1, -1, 1]), 2))).toEqual([3, 2.5]); // max(1 + 2, 0.5 − 3); max(−1 − 2, −0.5 + 3)
    expect(finiteClass([[1, -2]]).integerValued).toBe(true);
    expect(() => F.supBatch(Int8Array.from([1, 1, 1]), 2)).toThrow('finite: sigma has 3 entries, expected (m, n) = (2, 2)');
  });

  test('linear and kernel balls: ranges B·max‖x‖₂, B·max|x_j|, B·√max K_ii; radii must be positive; the Gram matrix square', () => {
    const X = [[3, -4], [0, 1]];
    expect([linearL2(X, 2).range, linearL2(X, 2).integerValued, linearL2(X, 2).n]).toEqual([10, false, 2]);
    expect(linearL1(X, 2).range).toBe(8);
    expect(linearL2(X, 2).name).toBe('linear ‖w‖₂ ≤ 2');
    expect(linearL1(X, 2).name).toBe('linear ‖w‖₁ ≤ 2');
    const K = { rows: 2, cols: 2, data: Float64Array.from([9, 1, 1, 4]) };
    expect(rkhsBall(K, 2, 'k').range).toBe(6);
    expect(rkhsBall(K, 2, 'k').name).toBe('k, ‖f‖ ≤ 2');
    expect(Array.from(rkhsBall(K, 2).supBatch(Int8Array.from([1, -1]), 1))).toEqual([2 * Math.sqrt(9 - 1 - 1 + 4)]);
    for (const B of [0, -1, Infinity, NaN]) expect(() => linearL2(X, B)).toThrow(InputError);
    expect(() => linearL2(X, 0)).toThrow('linear ‖w‖₂ ≤ 0: B must be a positive finite number, got 0');
    expect(() => rkhsBall({ rows: 2, cols: 3, data: new Float64Array(6) }, 1)).toThrow(new InputError('rkhs: the Gram matrix must be square, got (2, 3)'));
    expect(() => rkhsBall(K, 0)).toThrow(InputError);
    expect(() => rkhsBall(K, 1).supBatch(Int8Array.from([1]), 1)).toThrow('rkhs: sigma has 1 entries, expected (m, n) = (1, 2)');
    expect(Array.from(gaussianGram([[0], [1]], 0.5).data)).toEqual([1, Math.exp(-0.5), Math.exp(-0.5), 1]);
    expect(Array.from(polynomialGram([[1], [2]], 2).data)).toEqual([4, 9, 9, 25]);
    expect(Array.from(polynomialGram([[1], [2]], 1, 0).data)).toEqual([1, 2, 2, 4]);
  });

  test('1-D classes and all functions: names, ±1 ranges, refusals of empty or non-finite samples', () => {
    expect([thresholds([1]).name, twoSidedThresholds([1]).name, intervals([1]).name]).toEqual(['one-sided thresholds', 'two-sided thresholds', 'intervals']);
    for (const o of [thresholds([1, 2]), intervals([1, 2]), allFunctions([1, 2])]) expect([o.range, o.integerValued]).toEqual([1, true]);
    expect(allFunctions([1, 2]).name).toBe('all functions into [−1, 1]');
    expect(allFunctions([1, 2], '01').name).toBe('all functions into {0, 1}');
    expect(() => thresholds([])).toThrow(new InputError('one-sided thresholds: empty sample'));
    expect(() => intervals([1, NaN])).toThrow(new InputError('intervals: x[1] is NaN; points must be finite numbers'));
    expect(() => allFunctions([])).toThrow(new InputError('all-functions: empty sample'));
    expect(() => thresholds([1, 2]).supBatch(Int8Array.from([1]), 1)).toThrow('one-sided thresholds: sigma has 1 entries, expected (m, n) = (1, 2)');
    // repeated points: one value per point, so all functions give Σ_u |S_u| (here |1 − 1| + |1| = 1)
    expect(Array.from(allFunctions([5, 5, 6]).supBatch(Int8Array.from([1, -1, 1]), 1))).toEqual([1]);
    expect(Array.from(allFunctions([5, 5, 6], '01').supBatch(Int8Array.from([1, 1, -1]), 1))).toEqual([2]);
  });

  test('the Theorem 1 class: every σ is witnessed by a certified network (its sup is n)', () => {
    const o = relu2Layer([[0, 1], [2, 3], [5, 1]], 4);
    expect([o.n, o.range, o.integerValued, o.name]).toEqual([3, 1, true, 'two-layer ReLU (Theorem 1, clipped to [−1, 1])']);
    expect(Array.from(o.supBatch(Int8Array.from([1, -1, 1, -1, -1, -1]), 2))).toEqual([3, 3]);
    expect(() => o.supBatch(Int8Array.from([1]), 1)).toThrow('relu-2layer: sigma has 1 entries');
  });
});
