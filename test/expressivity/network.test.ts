import { describe, expect, test } from 'vitest';
import { InputError } from '../../src/errors.js';
import { deepen, fractionField, numberField } from '../../src/expressivity/deep.js';
import { diagnose } from '../../src/expressivity/diagnostics.js';
import { argsort, chooseDirection, drawDirection, DIRECTION_GRID_BITS, projectMany } from '../../src/expressivity/direction.js';
import { interpolateExact } from '../../src/expressivity/exact.js';
import { DEFAULT_DIRECTION, DEFAULT_LAMBDA, interpolate, interpolateClasses } from '../../src/expressivity/interpolate.js';
import { ReluNetwork } from '../../src/expressivity/network.js';
import { toMatrix } from '../../src/data/matrix.js';
import { toFraction } from '../../src/exact/fraction.js';
import { Rng } from '../../src/random/rng.js';

describe('the two-layer network, its diagnostics and its deep form, on cases worked out by hand', () => {
  // z = x (a = 1), λ = ¼: gaps 1 and 2, median gap 2, so b = (0 − 2, 0 + ¼, 1 + ½) = (−2, 0.25, 1.5)
  const X = [[0], [1], [3]];
  const y = [2, -1, 4];
  const net = interpolate(X, y, { direction: { kind: 'explicit', a: [1] } });

  test('biases, weights, outputs at and between the points, active units, classification', () => {
    expect(Array.from(net.b)).toEqual([-2, 0.25, 1.5]);
    // w_1 = 2/2 = 1; at z = 1: 1·3 + w_2·0.75 = −1 → w_2 = −16/3; at z = 3: 5 − (16/3)·2.75 + w_3·1.5 = 4
    expect(net.w[0]).toBe(1);
    expect(net.w[1]).toBeCloseTo(-16 / 3, 14);
    expect(net.w[2]).toBeCloseTo((4 - 5 + (16 / 3) * 2.75) / 1.5, 13);
    expect([net.n, net.d, net.k, net.parameterCount]).toEqual([3, 1, 1, 2 * 3 + 1]);
    expect(net.activeUnits(-2)).toBe(0); // b_j < z strictly
    expect(net.activeUnits(0.25)).toBe(1);
    expect(net.activeUnits(10)).toBe(3);
    X.forEach((x, i) => expect(net.predict(x)).toBeCloseTo(y[i]!, 12));
    expect(net.predict([-5])).toBe(0); // below every bias
    expect(net.predict([0.5])).toBeCloseTo(2.5 - (16 / 3) * 0.25, 12); // between the points: linear pieces
    expect(Array.from(net.outputNaive([2]))).toEqual([expect.closeTo(net.predict([2]), 12)]);
    expect(net.classify([1])).toBe(-1);
    expect(net.classify([0.9])).toBe(Math.round(net.predict([0.9])));
    expect([DEFAULT_LAMBDA, DEFAULT_DIRECTION]).toEqual([0.25, { kind: 'best-of', candidates: 4 }]);
  });

  test('one point: b = z − 1; one-hot outputs: the argmax, the first of tied outputs', () => {
    const one = interpolate([[4]], [3], { direction: { kind: 'explicit', a: [1] } });
    expect([one.b[0], one.w[0]]).toEqual([3, 3]);
    const classes = interpolateClasses(X, [1, 0, 2]);
    expect(classes.k).toBe(3); // default: max label + 1
    X.forEach((x, i) => expect(classes.classify(x)).toBe([1, 0, 2][i]));
    const tied = new ReluNetwork({ a: Float64Array.from([1]), b: Float64Array.from([0]), w: Float64Array.from([1, 1, 0.5]), k: 3 });
    expect(tied.classify([2])).toBe(0);
  });

  test('diagnostics: gaps, the smallest diagonal, the growth factor λ/(1 − λ), the steepest slope', () => {
    const d = diagnose(net);
    expect(d.minGap).toBe(1);
    expect(d.minGapOverNormA).toBe(1);
    expect(d.minDiagonal).toBe(0.75); // min(2, 0.75, 1.5)
    expect(d.growthFactor).toBeCloseTo(1 / 3, 15); // (0.25 − 0)/0.75 and (1.5 − 1)/1.5
    expect(d.maxAbsWeight).toBeCloseTo(Math.abs(net.w[2]!), 12);
    const slopes = [net.w[0]!, net.w[0]! + net.w[1]!, net.w[0]! + net.w[1]! + net.w[2]!];
    expect(d.maxAbsSlope).toBeCloseTo(Math.max(...slopes.map(Math.abs)), 12);
    const scaled = interpolate([[0, 0], [1, 0], [3, 0]], y, { direction: { kind: 'explicit', a: [2, 0] } });
    expect(diagnose(scaled).minGapOverNormA).toBe(1); // gap 2 over ‖a‖ = 2
  });

  test('depth k: widths ⌈n/k⌉ + 3 at most, dense and sparse parameter counts, the same function; refusals', () => {
    const exact = interpolateExact([[0], [1], [3], [4]], [1, 0, 2, -1]);
    const deep = deepen(exact, 2, fractionField);
    // layer 1: u and 2 units; layer 2: u, 2 units, s and −s
    expect(deep.widths).toEqual([3, 5]);
    expect(deep.denseParameterCount).toBe(1 * 3 + 3 + (3 * 5 + 5) + (5 + 1));
    expect(deep.sparseParameterCount).toBe(3 * 2 + (2 + 2 * 2 + 3 + 3) + 5);
    for (const x of [-1, 0, 0.5, 2, 4, 9]) expect(deep.evaluate([toFraction(x)])).toEqualFraction(exact.evaluate([x]));
    const shallow = deepen(exact, 1, fractionField);
    expect(shallow.widths).toEqual([5]);
    const floatDeep = deepen({ a: [1], b: [-1, 0.5], w: [2, -3] }, 2, numberField);
    expect(floatDeep.evaluate([1])).toBe(2 * 2 - 3 * 0.5);
    expect(floatDeep.evaluate([-3])).toBe(0);
    expect([numberField.relu(-2), numberField.relu(0), numberField.relu(3), numberField.neg(2), numberField.sub(5, 2), numberField.mul(2, 3)]).toEqual([0, 0, 3, -2, 3, 6]);
    expect(() => deepen(exact, 0, fractionField)).toThrow(new InputError('depth must be a positive integer, got 0'));
    expect(() => deepen(exact, 1.5, fractionField)).toThrow(InputError);
    expect(() => deepen({ a: [1], b: [], w: [] }, 1, numberField)).toThrow('deepen: the network has no units');
    expect(() => deepen({ a: [1], b: [0, 1], w: [1] }, 1, numberField)).toThrow('deepen: w has 1 entries for 2 units (scalar output needed)');
    expect(() => deep.evaluate([toFraction(1), toFraction(2)])).toThrow('deep network: input has 2 features, expected d = 1');
  });

  test('directions: the 2^−20 grid, the best of several candidates, argsort with ties, shapes', () => {
    const a = drawDirection(50, new Rng(4));
    expect(a.every((v) => Number.isInteger(v * 2 ** DIRECTION_GRID_BITS))).toBe(true);
    expect(a.some((v) => v !== 0)).toBe(true);
    // best-of keeps the candidate with the largest minimum gap per unit ‖a‖ among the 8 draws of its stream
    const Xm = toMatrix([[0, 0], [1, 0], [0, 1], [1, 1], [2, 1]]);
    const best = chooseDirection(Xm, { kind: 'best-of', candidates: 8 }, new Rng(7));
    const norm = Math.hypot(...best.a);
    const rng = new Rng(7);
    const candidates = Array.from({ length: 8 }, () => drawDirection(2, rng));
    const score = (c: Float64Array) => {
      const z = Float64Array.from(projectMany(Xm, [c])[0]!).sort();
      let g = Infinity;
      for (let i = 1; i < z.length; i++) if (z[i]! > z[i - 1]!) g = Math.min(g, z[i]! - z[i - 1]!);
      return g / Math.hypot(...c);
    };
    expect(best.minGap / norm).toBe(Math.max(...candidates.map(score)));
    expect(best.candidatesTried).toBe(8);
    expect(Array.from(argsort(Float64Array.from([3, 1, 3, 0])))).toEqual([3, 1, 0, 2]);
    expect(() => chooseDirection(Xm, { kind: 'explicit', a: [1] }, rng)).toThrow('direction: a has 1 entries but the data have d = 2 features');
    expect(() => projectMany(Xm, [Float64Array.from([1])])).toThrow('projection: a has 1 entries, the data have d = 2');
    expect(() => chooseDirection(Xm, { kind: 'best-of', candidates: 1.5 }, rng)).toThrow('direction: candidates must be a positive integer, got 1.5');
  });
});
