import { describe, expect, test } from 'vitest';
import { loadDataset } from '../../src/data/dataset.js';
import { InputError } from '../../src/errors.js';
import { certify } from '../../src/expressivity/certify.js';
import { projectAll, projectDetailed, projectMany } from '../../src/expressivity/direction.js';
import { diagnose } from '../../src/expressivity/diagnostics.js';
import { interpolate, interpolateClasses } from '../../src/expressivity/interpolate.js';
import { ReluNetwork } from '../../src/expressivity/network.js';

describe('interpolate on real data', () => {
  const ds = loadDataset({ source: 'mnist', n: 2000, seed: 4, test: false });
  const [X, labels] = [ds.matrix('train'), ds.train.labels];
  const y = loadDataset({ source: 'mnist', n: 2000, seed: 4, randomization: 'random-labels', test: false }).train.labels; // the same images

  test('2,000 MNIST images with random labels: 2n + d parameters, every label provably recovered', () => {
    const net = interpolate(X, y, { seed: 4 });
    expect(net.n).toBe(2000);
    expect(net.parameterCount).toBe(2 * 2000 + 784);
    const cert = certify(net, X, y);
    expect(cert.labelsRecovered).toBe(1);
    expect(cert.exactProjections).toBe(2000);
    expect(cert.maxResidual).toBeLessThan(1e-6);
    const diag = diagnose(net);
    expect(diag.growthFactor).toBeCloseTo(1 / 3, 12); // λ/(1 − λ) for λ = 1/4
    expect(diag.minGap).toBeGreaterThan(0);
  });

  test('one-hot outputs on true labels: d + n + n·k parameters and argmax accuracy 1', () => {
    const trueLabels = Float64Array.from(labels);
    const net = interpolateClasses(X, trueLabels, { seed: 4 });
    expect(net.parameterCount).toBe(784 + 2000 + 2000 * 10);
    expect(certify(net, X, trueLabels).labelsRecovered).toBe(1);
    for (let i = 0; i < 50; i++) expect(net.classify(X.data.subarray(i * 784, (i + 1) * 784))).toBe(labels[i]);
  });

  test('projections, several directions per pass, are bit-identical to the left-to-right dot product', () => {
    const directions = Array.from({ length: 6 }, (_, k) => Float64Array.from({ length: 784 }, (_, j) => Math.sin(j + k) / 3));
    const dots = directions.map((a) =>
      Float64Array.from({ length: X.rows }, (_, i) => {
        let s = 0;
        for (let j = 0; j < 784; j++) s += X.data[i * 784 + j]! * a[j]!;
        return s;
      }),
    );
    expect(projectMany(X, directions)).toEqual(dots); // 6 directions: one full block of 4 and one of 2
    expect(projectAll(X, directions[5]!)).toEqual(dots[5]);
    expect(projectDetailed(X, directions[1]!).z).toEqual(dots[1]);
  });

  test('the same seed gives the same network; another seed another direction', () => {
    const a = interpolate(X, y, { seed: 11 });
    const b = interpolate(X, y, { seed: 11 });
    expect(Array.from(b.w)).toEqual(Array.from(a.w));
    expect(Array.from(interpolate(X, y, { seed: 12 }).a)).not.toEqual(Array.from(a.a));
  });
});

describe('interpolate refuses what it cannot do correctly', () => {
  test('an explicit direction that makes two distinct points collide names the rows', () => {
    const X = [[0, 0], [1, 1], [2, 3]];
    expect(() => interpolate(X, [0, 1, 2], { direction: { kind: 'explicit', a: [1, -1] } })).toThrow(
      /rows 1 and 2 \(1-based\) are distinct points with the same projection/,
    );
  });
  test('points closer than float64 can separate are refused, never fitted wrongly', () => {
    const X = [[1, 0], [1, 2 ** -80]];
    expect(() => interpolate(X, [0, 1])).toThrow(/collide; the points are too close for float64/);
  });
  test('identical points: merged with equal labels, refused with different labels or under duplicates: error', () => {
    expect(() => interpolate([[1], [1]], [3, 3], { duplicates: 'error' })).toThrow(/rows 1, 2 \(1-based\) are the same point/);
    const net = interpolate([[1], [2], [1]], [3, 4, 3]);
    expect(net.merged).toEqual([{ kept: 0, dropped: [2] }]);
    expect(net.n).toBe(2);
    expect(() => interpolate([[1], [2], [1]], [3, 4, 5])).toThrow(/rows 1 and 3 \(1-based\) are the same point with different labels \(label 3 vs label 5\)/);
  });
  test('λ outside (0, 1), bad class labels and bad direction vectors are refused', () => {
    expect(() => interpolate([[0], [1]], [0, 1], { lambda: 1 })).toThrow(/lambda = 1; the bias placement fraction must lie strictly between 0 and 1/);
    expect(() => interpolateClasses([[0], [1]], [0, 1.5])).toThrow(/labels\[1\] is 1.5; class labels must be integers/);
    expect(() => interpolateClasses([[0], [1]], [0, 3], { classes: 2 })).toThrow(/classes = 2 but the labels go up to 3/);
    expect(() => interpolate([[0], [1]], [0, 1], { direction: { kind: 'explicit', a: [0] } })).toThrow(/must be finite and non-zero/);
    expect(() => interpolate([[0], [1]], [0, 1], { direction: { kind: 'best-of', candidates: 0 } })).toThrow(InputError);
  });
});

describe('ReluNetwork', () => {
  test('checks its parameters', () => {
    const a = Float64Array.from([1]);
    expect(() => new ReluNetwork({ a, b: Float64Array.from([1, 1]), w: Float64Array.from([1, 1]), k: 1 })).toThrow(/strictly increasing/);
    expect(() => new ReluNetwork({ a, b: Float64Array.from([1, 2]), w: Float64Array.from([1]), k: 1 })).toThrow(/w has 1 entries but \(n, k\) = \(2, 1\) needs 2/);
    const net = new ReluNetwork({ a, b: Float64Array.from([0, 1]), w: Float64Array.from([1, 0, 0, 1]), k: 2 });
    expect(() => net.predict([3])).toThrow(/k = 2 outputs/);
    expect(Array.from(net.output([3]))).toEqual([3, 2]); // 1·(3 − 0), 1·(3 − 1)
    expect(() => net.output([1, 2])).toThrow(/input has 2 features but the network expects d = 1/);
  });
});

describe('overflow is an error, not a network', () => {
  test('λ > ½ on many points makes the weights overflow: refused with the reason and the fix', () => {
    const n = 800;
    const X = Array.from({ length: n }, (_, i) => [i]);
    const y = X.map((_, i) => i % 2);
    expect(() => interpolate(X, y, { lambda: 0.9, direction: { kind: 'explicit', a: [1] } })).toThrow(
      /overflowed float64 at hidden unit \d+ of 800: with λ = 0.9 the slope recurrence grows by λ\/\(1−λ\) = 9.00 per point; use λ ≤ ½/,
    );
  });
  test('certify refuses non-finite parameters', () => {
    expect(() => certify({ a: Float64Array.from([1]), b: Float64Array.from([0]), w: Float64Array.from([NaN]), k: 1 }, [[1]], [0])).toThrow(
      'certify: w[0] = NaN; a network with non-finite parameters cannot be certified',
    );
  });
});
