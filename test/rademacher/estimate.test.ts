import { describe, expect, test } from 'vitest';
import { InputError } from '../../src/errors.js';
import { drawSigns, estimateRademacher, exhaustiveRademacher, hoeffdingLowerWidth, mcdiarmidHalfWidth, MAX_EXACT_N } from '../../src/rademacher/estimate.js';
import { allFunctions, finiteClass, intervals, linearL2, rkhsBall, thresholds, type SupOracle } from '../../src/rademacher/oracles.js';
import { Rng } from '../../src/random/rng.js';

describe('sign draws, estimates and exact enumeration', () => {
  test('drawSigns: bit b of each 32-bit draw is sign t + b (1 → +1), across rows and a partial last word', () => {
    const n = 7;
    const m = 5; // 35 signs: one full word and 3 bits of the next
    const sigma = drawSigns(n, m, new Rng(3));
    const rng = new Rng(3);
    const words = [rng.nextUint32(), rng.nextUint32()];
    for (let t = 0; t < n * m; t++) expect(sigma[t]).toBe((words[t >> 5]! >>> (t & 31)) & 1 ? 1 : -1);
    expect(sigma.length).toBe(35);
  });

  test('the estimate is the mean of the per-draw values, with their seed, size and McDiarmid half-width', () => {
    const oracle = thresholds([1, 2, 3, 4, 5]);
    const e = estimateRademacher(oracle, { draws: 64, seed: 9, delta: 0.1 });
    const sigma = drawSigns(5, 64, new Rng(9).fork('sigma'));
    const sups = oracle.supBatch(sigma, 64);
    expect(Array.from(e.values)).toEqual(Array.from(sups, (v) => v / 5));
    expect(e.estimate).toBeCloseTo(sups.reduce((s, v) => s + v, 0) / 5 / 64, 14);
    expect(e).toMatchObject({ draws: 64, n: 5, seed: 9, delta: 0.1, convention: 'zhang', halfWidth: mcdiarmidHalfWidth(1, 5, 64, 0.1) });
    expect(mcdiarmidHalfWidth(2, 5, 64, 0.1)).toBeCloseTo(2 * Math.sqrt((2 * Math.log(20)) / 320), 14);
    // Bartlett–Mendelson: (2/n)·max(sup at σ, sup at −σ), half-width with 2c
    const bm = estimateRademacher(oracle, { draws: 64, seed: 9, delta: 0.1, convention: 'bartlett-mendelson' });
    const supsNeg = oracle.supBatch(Int8Array.from(sigma, (s) => -s), 64);
    expect(Array.from(bm.values)).toEqual(Array.from(sups, (v, t) => (2 * Math.max(v, supsNeg[t]!)) / 5));
    expect(bm.halfWidth).toBe(mcdiarmidHalfWidth(2, 5, 64, 0.1));
    // defaults: 1000 draws, δ = 0.05, seed 1, Eq. 1
    expect(estimateRademacher(oracle)).toMatchObject({ draws: 1000, delta: 0.05, seed: 1, convention: 'zhang' });
  });

  test('bad draws and δ are refused', () => {
    const oracle = thresholds([1, 2]);
    for (const draws of [0, -3, 2.5]) expect(() => estimateRademacher(oracle, { draws })).toThrow(new InputError(`draws must be a positive integer, got ${draws}`));
    expect(estimateRademacher(oracle, { draws: 1 }).values).toHaveLength(1); // one draw is enough to run
    expect(() => estimateRademacher(oracle, { delta: 1 })).toThrow(InputError);
    expect(() => mcdiarmidHalfWidth(1, 2, 3, 0)).toThrow(InputError);
  });

  test('exhaustive enumeration: exact fractions for integer-valued classes, both conventions; floats otherwise; n ≤ 20', () => {
    // all functions on 3 distinct points: sup = n for every σ, so R̂ = 1 (Eq. 1) and 2 (Bartlett–Mendelson)
    expect(exhaustiveRademacher(allFunctions([0, 1, 2])).exact!.toFraction()).toBe('1');
    expect(exhaustiveRademacher(allFunctions([0, 1, 2]), 'bartlett-mendelson').exact!.toFraction()).toBe('2');
    // one hypothesis h = (1, −1): E sup = E(σ1 − σ2)/2 = 0; B–M: E |σ1 − σ2| = 1
    expect(exhaustiveRademacher(finiteClass([[1, -1]])).exact!.toFraction()).toBe('0');
    expect(exhaustiveRademacher(finiteClass([[1, -1]]), 'bartlett-mendelson').exact!.toFraction()).toBe('1');
    const real = exhaustiveRademacher(linearL2([[3, 4]], 1)); // n = 1: sup = ‖σx‖ = 5 for both σ
    expect(real).toMatchObject({ value: 5, exact: null, n: 1, convention: 'zhang' });
    expect(exhaustiveRademacher(rkhsBall({ rows: 2, cols: 2, data: Float64Array.from([4, 0, 0, 4]) }, 1)).value).toBeCloseTo(Math.sqrt(8) / 2, 14);
    expect(exhaustiveRademacher(intervals(Array.from({ length: 13 }, (_, i) => i))).exact).not.toBeNull(); // > 4096 σ: several batches
    expect(MAX_EXACT_N).toBe(20);
    expect(() => exhaustiveRademacher(thresholds(Array.from({ length: 21 }, (_, i) => i)))).toThrow(
      'exact enumeration of 2^n sign vectors is limited to n ≤ 20 (got n = 21); use Monte Carlo draws instead (--draws m)',
    );
    const liar = { ...finiteClass([[0.5]]), integerValued: true };
    expect(() => exhaustiveRademacher(liar)).toThrow(/declared integer-valued but gave -?0.5/);
  });

  test('an oracle whose values are found from below gives a one-sided lower limit: Hoeffding\'s width over the m draws, no upper limit', () => {
    // A witness of the finite class P: the best of its first two hypotheses only (≤ the sup at every σ).
    const P = [[1, -1, 1, 1, -1], [-1, -1, 1, -1, 1], [1, 1, 1, -1, -1], [-1, 1, -1, 1, 1]];
    const full = finiteClass(P);
    const sampled: SupOracle = { ...finiteClass(P.slice(0, 2)), supKind: 'lower' };
    const e = estimateRademacher(sampled, { draws: 200, seed: 3 });
    expect(e).toMatchObject({ supKind: 'lower', upper: null, halfWidth: hoeffdingLowerWidth(1, 200, 0.05), lower: e.estimate - e.halfWidth });
    expect(hoeffdingLowerWidth(1, 200, 0.05)).toBeCloseTo(Math.sqrt((2 * Math.log(20)) / 200), 15); // c·√(2 ln(1/δ)/m)
    expect(hoeffdingLowerWidth(2, 200, 0.05)).toBe(2 * hoeffdingLowerWidth(1, 200, 0.05));
    expect(estimateRademacher(sampled, { draws: 200, seed: 3, convention: 'bartlett-mendelson' }).halfWidth).toBe(hoeffdingLowerWidth(2, 200, 0.05));
    const sups = estimateRademacher(full, { draws: 200, seed: 3 });
    expect(sups).toMatchObject({ supKind: 'exact', halfWidth: mcdiarmidHalfWidth(1, 5, 200, 0.05), lower: sups.estimate - sups.halfWidth, upper: sups.estimate + sups.halfWidth });
    e.values.forEach((v, t) => expect(v).toBeLessThanOrEqual(sups.values[t]!));
    expect(exhaustiveRademacher(sampled).supKind).toBe('lower');
    expect(exhaustiveRademacher(full).supKind).toBe('exact');
    expect(() => hoeffdingLowerWidth(1, 10, 1)).toThrow(InputError);
  });
});
