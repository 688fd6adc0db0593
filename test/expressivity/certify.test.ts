import { describe, expect, test } from 'vitest';
import { toMatrix, type Matrix } from '../../src/data/matrix.js';
import { InputError } from '../../src/errors.js';
import { certify } from '../../src/expressivity/certify.js';
import { interpolate, interpolateClasses } from '../../src/expressivity/interpolate.js';
import { ZERO, reluFraction, toFraction, type Fraction } from '../../src/exact/fraction.js';
import type { ReluNetworkParameters } from '../../src/expressivity/network.js';

/** c(x) − y in exact rationals, for the network's float64 parameters taken at their exact values. */
function exactResidual(net: ReluNetworkParameters, x: readonly number[], y: number): Fraction {
  const z = x.reduce((s, v, j) => s.add(toFraction(v).mul(toFraction(net.a[j] as number))), ZERO);
  let c = ZERO;
  for (let j = 0; j < net.b.length; j++) c = c.add(toFraction(net.w[j] as number).mul(reluFraction(z.sub(toFraction(net.b[j] as number)))));
  return c.sub(toFraction(y)).abs();
}

/**
 * Two ways a reviewer made the certificate say "labels recovered (proven)" for a network that does
 * not fit, kept as regression tests: each failed before the fix.
 */
describe('certify cannot be fooled', () => {
  test('0·∞ = NaN is not a bound: Σ|a_j x_j| overflows, the slopes are 0, the network outputs 0 ≠ 5', () => {
    const net = { a: Float64Array.from([1, -1]), b: Float64Array.from([0]), w: Float64Array.from([0]), k: 1 };
    const X = [[1e308, 1e308]];
    expect(exactResidual(net, X[0]!, 5)).toEqualFraction(5); // c(x) = 0, the label is 5
    const cert = certify(net, X, [5]);
    // before the fix: maxResidual 0, labelsRecovered 1
    expect(cert.labelsRecovered).toBe(0);
    expect(cert.recovered[0]).toBe(0);
    expect(cert.maxResidual).toBe(Infinity);
    expect(Number.isNaN(cert.residualBounds[0])).toBe(false);
  });

  test('compressed rows that disagree with the data are never read: the certificate is computed from X.data', () => {
    const net = interpolate([[1], [2]], [3, 7], { direction: { kind: 'explicit', a: [1] } });
    // A matrix whose data say x = (1, 100) but which carries compressed rows of x = (1, 2), in the
    // shape the loaders used to attach (the field no longer exists on Matrix).
    const stale = { rowPtr: Int32Array.from([0, 1, 2]), cols: Int32Array.from([0, 0]), values: Float64Array.from([1, 2]) };
    const X: Matrix = Object.assign({ rows: 2, cols: 1, data: Float64Array.from([1, 100]) }, { sparse: stale });
    const exact100 = exactResidual(net, [100], 7);
    expect(exact100.compare(toFraction(100))).toBe(1); // c(100) is far from 7
    const cert = certify(net, X, [3, 7]);
    // before the fix: residual 8e−17, labelsRecovered 1
    expect(cert.recovered[1]).toBe(0);
    expect(cert.labelsRecovered).toBe(0.5);
    expect(exact100.compare(toFraction(cert.residualBounds[1]!))).toBeLessThanOrEqual(0);
  });

  test('a NaN written into a matrix after it was validated is found again: the matrix is refused by name, never certified', () => {
    const net = interpolate([[0, 1], [2, 3], [4, 7]], [1, 2, 3], { seed: 1 });
    const X = toMatrix([[0, 1], [2, 3], [4, 7]]);
    expect(certify(net, X, [1, 2, 3]).labelsRecovered).toBe(1);
    for (const bad of [NaN, Infinity, -Infinity]) {
      const data = X.data.slice();
      X.data[3] = bad; // row 2 (1-based), after toMatrix and certify validated X
      expect(() => certify(net, X, [1, 2, 3])).toThrow(new RegExp(`X\\[1\\]\\[1\\] is ${String(bad)}`));
      X.data.set(data);
    }
  });

  test('non-finite parameters and a number of outputs that is not a positive integer are refused', () => {
    const ok = { a: Float64Array.from([1]), b: Float64Array.from([0]), w: Float64Array.from([1]), k: 1 };
    expect(() => certify({ ...ok, w: Float64Array.from([NaN]) }, [[1]], [1])).toThrow(/w\[0\] = NaN; a network with non-finite parameters/);
    expect(() => certify({ ...ok, b: Float64Array.from([Infinity]) }, [[1]], [1])).toThrow(InputError);
    // k = 0 with no units used to give maxResidual 0
    expect(() => certify({ a: ok.a, b: new Float64Array(0), w: new Float64Array(0), k: 0 }, [[1]], [1])).toThrow(/k = 0; the number of outputs must be a positive integer/);
    expect(() => certify({ ...ok, k: 0.5 }, [[1]], [1])).toThrow(InputError);
  });

  test('integer data past the exactness limit: ẑ = fl(2^53 + 1) = 2^53 is off by one, and the bound covers it', () => {
    // a = (1, 1) lies on the grid 2^0, so the projection is exact only while Σ|a_j x_j| ≤ 2^52.
    // Here Σ = 2^53 + 1: ẑ = 2^53 but z = 2^53 + 1, and with slope 1 the network is off by exactly 1.
    const net = { a: Float64Array.from([1, 1]), b: Float64Array.from([0]), w: Float64Array.from([1]), k: 1 };
    const x = [2 ** 53, 1];
    expect(exactResidual(net, x, 2 ** 53)).toEqualFraction(1);
    const cert = certify(net, [x], [2 ** 53]);
    expect(cert.exactProjections).toBe(0);
    expect(cert.recovered[0]).toBe(0);
    expect(cert.residualBounds[0]).toBeGreaterThanOrEqual(1);
    expect(cert.residualBounds[0]).toBeLessThan(8); // 1 plus the γ_d term, 3·2^−53·2^53 ≈ 3
    // Just below the limit the same network on (2^52 − 1, 1) is exact and certified exactly.
    const below = certify(net, [[2 ** 52 - 1, 1]], [2 ** 52]);
    expect([below.exactProjections, below.maxResidual, below.labelsRecovered]).toEqual([1, 0, 1]);
  });
});

describe('certify: what it refuses and what it reports', () => {
  const net = interpolate([[0, 1], [2, 3], [4, 7]], [1, 2, 3], { seed: 2 });
  const X = [[0, 1], [2, 3], [4, 7]];

  test('shapes and labels that do not match the network are refused, naming the fix', () => {
    expect(() => certify(net, [[0], [2], [4]], [1, 2, 3])).toThrow(new InputError('certify: the network has d = 2 inputs but X has 1 features'));
    expect(() => certify({ ...net, a: net.a, b: net.b, w: net.w.slice(1), k: 1 }, X, [1, 2, 3])).toThrow(new InputError('certify: w has 2 entries, expected n·k = 3·1'));
    const classes = interpolateClasses(X, [0, 2, 1], { classes: 3 });
    for (const bad of [3, -1, 0.5]) {
      expect(() => certify(classes, X, [0, bad, 1])).toThrow(new InputError(`certify: labels[1] = ${bad} is not a class index in 0 … 2`));
    }
    expect(() => certify(net, X, [1, 2])).toThrow(InputError);
  });

  test('the order of the units does not matter: the same bounds for shuffled (b, w)', () => {
    const cert = certify(net, X, [1, 2, 3]);
    const perm = [2, 0, 1];
    const shuffled = { a: net.a, b: Float64Array.from(perm, (j) => net.b[j]!), w: Float64Array.from(perm, (j) => net.w[j]!), k: 1 };
    const again = certify(shuffled, X, [1, 2, 3]);
    expect(Array.from(again.residualBounds)).toEqual(Array.from(cert.residualBounds));
    expect(again.labelsRecovered).toBe(1);
  });

  test('method, labelsRecovered for real labels, and the dyadic grid limit of 60 bits', () => {
    const exact = certify(net, X, [1, 2, 3]);
    expect(exact.method).toBe('exact dyadic arithmetic (BigInt); projections exact in float64');
    const realNet = interpolate([[0.5], [1.25], [3.5]], [0.3, -1.7, 2.2], { direction: { kind: 'explicit', a: [1] } });
    const real = certify(realNet, [[0.5], [1.25], [3.5]], [0.3, -1.7, 2.2]); // non-integral x: the γ_d bound on every row
    expect(real.labelsRecovered).toBeNull(); // non-integer labels: nothing to recover
    expect(Array.from(real.recovered)).toEqual([0, 0, 0]);
    expect(real.exactProjections).toBe(0);
    expect(real.method).toBe('exact dyadic arithmetic (BigInt) for the prefix sums; γ_d projection bound for 3 of 3 rows');
    // a = 2^−60 is on the grid 2^−60 (exact projections of integers); 2^−61 is past the 60-bit limit
    const fine = (s: number) => certify({ a: Float64Array.from([2 ** -s]), b: Float64Array.from([-1]), w: Float64Array.from([1]), k: 1 }, [[3]], [1]);
    expect(fine(60).exactProjections).toBe(1);
    expect(fine(61).exactProjections).toBe(0);
    // a zero entry of a is skipped by the grid search (and costs nothing)
    const withZero = certify({ a: Float64Array.from([0, 0.5]), b: Float64Array.from([-1]), w: Float64Array.from([1]), k: 1 }, [[7, 2]], [2]);
    expect([withZero.exactProjections, withZero.maxResidual]).toEqual([1, 0]);
  });

  test('one-hot outputs: recovered exactly when the bounds prove the true output is the largest', () => {
    const classes = interpolateClasses(X, [0, 2, 1], { classes: 3 });
    expect(Array.from(certify(classes, X, [0, 2, 1]).recovered)).toEqual([1, 1, 1]);
    // shift row 0's outputs: class 0 (its label) from 1 to 1 − δ, class 1 from 0 to δ, through the unit
    // placed at row 0 (the only active unit whose weight changes there)
    const unit = classes.order.indexOf(0);
    const act = classes.zSorted[unit]! - classes.b[unit]!;
    const shifted = (delta: number) => {
      const w = Float64Array.from(classes.w);
      w[unit * 3 + 0] = w[unit * 3 + 0]! - delta / act;
      w[unit * 3 + 1] = w[unit * 3 + 1]! + delta / act;
      return certify({ a: classes.a, b: classes.b, w, k: 3 }, X, [0, 2, 1]);
    };
    const close = shifted(0.45); // outputs 0.55 vs 0.45: bounds 0.45 + 0.45 < 1, the argmax is proven
    expect(close.recovered[0]).toBe(1);
    expect(close.residualBounds[0]).toBeCloseTo(0.45, 9);
    const wrong = shifted(0.55); // outputs 0.45 vs 0.55: the argmax is wrong, and 0.55 + 0.55 ≥ 1
    expect(wrong.recovered[0]).toBe(0);
    expect(wrong.labelsRecovered).toBeLessThan(1);
  });
});
