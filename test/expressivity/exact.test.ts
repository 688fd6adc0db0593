import { fraction } from 'mathjs';
import { describe, expect, test } from 'vitest';
import { checkExact, interpolateExact } from '../../src/expressivity/exact.js';
import { toFraction } from '../../src/exact/fraction.js';
import { Rng } from '../../src/random/rng.js';

describe('interpolateExact inputs and refusals', () => {
  test('integers, bigints, decimal strings, p/q strings and Fractions mix', () => {
    const X = [[0n, '0.5'], [1, '1/3'], [fraction(2, 7), -4]];
    const y = ['0.1', 2n ** 70n, fraction(-5, 3)];
    const net = interpolateExact(X, y);
    expect(net.evaluate(X[0]!)).toEqualFraction('1/10');
    expect(net.evaluate(X[1]!)).toEqualFraction(2n ** 70n);
    expect(net.evaluate(X[2]!)).toEqualFraction('-5/3');
  });
  test('a number is taken at its exact binary value, a string at its decimal value', () => {
    expect(toFraction(0.1)).not.toEqualFraction('1/10');
    expect(toFraction(0.1)).toEqualFraction('3602879701896397/36028797018963968');
    expect(toFraction('0.1')).toEqualFraction('1/10');
    expect(() => toFraction('1/0x')).toThrow(/'1\/0x' is not a decimal or p\/q number/);
  });
  test('powers-of-K in low dimension, random-integer in high dimension', () => {
    expect(interpolateExact([[0, 1], [1, 0]], [1, 2]).directionUsed).toBe('powers-of-K (K = 3)');
    const wide = [Array.from({ length: 40 }, (_, j) => j % 7), Array.from({ length: 40 }, (_, j) => (j * 3) % 7)];
    expect(interpolateExact(wide, [1, 2]).directionUsed).toMatch(/^random-integer/);
  });
  test('ragged rows, label count and λ are checked', () => {
    expect(() => interpolateExact([[1, 2], [3]], [1, 2])).toThrow(/ragged rows — row 2 has 1 values but row 1 has 2 \(1-based\)/);
    expect(() => interpolateExact([[1]], [1, 2])).toThrow(/2 labels for 1 points/);
    expect(() => interpolateExact([[1], [2]], [1, 2], { lambda: '3/2' })).toThrow(/lambda = 3\/2 must lie strictly between 0 and 1/);
    expect(() => interpolateExact([], [])).toThrow(/empty data/);
    expect(() => interpolateExact([[], []], [1, 2])).toThrow('interpolateExact: points have 0 features');
    for (const lambda of ['0', '1', '-1/2']) expect(() => interpolateExact([[1], [2]], [1, 2], { lambda })).toThrow(`lambda = ${lambda} must lie strictly between 0 and 1`);
    expect(interpolateExact([[1], [2]], [1, 2], { lambda: '1/1000' }).evaluate([2])).toEqualFraction(2); // just inside (0, 1)
    expect(interpolateExact([[1], [2]], [1, 2], { lambda: '999/1000' }).evaluate([1])).toEqualFraction(1);
  });
  test('evaluate and evaluateFast refuse an input of the wrong width', () => {
    const net = interpolateExact([[0, 1], [1, 0]], [1, 2]);
    for (const f of [net.evaluate, net.evaluateFast]) {
      expect(() => f([1])).toThrow('evaluate: input has 1 features but the network expects d = 2');
      expect(() => f([1, 2, 3])).toThrow('evaluate: input has 3 features but the network expects d = 2');
    }
  });
});

describe('checkExact reports what it measures', () => {
  // Points on a line with gaps 3, 1, 4 between neighbours: the smallest gap is the middle one.
  const X = [[8], [0], [3], [4]];
  test('residuals, recovered labels, the smallest gap and the largest weight, each checked another way', () => {
    const net = interpolateExact(X, ['1/4', -2, 5, '1/2']); // fitted to labels with fractions
    const yInt = [0, -2, 5, 1]; // checked against integers: residuals 1/4, 0, 0, 1/2
    const report = checkExact(net, X, yInt);
    expect(report.maxResidual).toEqualFraction('1/2');
    expect(report.labelsRecovered).toBe(3 / 4); // |r| < ½ strictly: the residual of exactly ½ is not recovered
    const z = X.map((x) => net.a.reduce((s, a, j) => s.add(a.mul(toFraction(x[j]!))), toFraction(0)));
    let smallest = null as ReturnType<typeof toFraction> | null;
    for (let i = 0; i < z.length; i++) for (let j = i + 1; j < z.length; j++) {
      const g = z[i]!.sub(z[j]!).abs();
      if (smallest === null || g.compare(smallest) < 0) smallest = g;
    }
    expect(report.minGap).toEqualFraction(smallest!.toFraction());
    expect(report.minGap).toEqualFraction(net.a[0]!.abs()); // gap 1 in x, scaled by the direction
    const largest = [...net.w].sort((p, q) => q.abs().compare(p.abs()))[0]!.abs();
    expect(report.maxAbsWeight).toEqualFraction(largest.toFraction());
    expect(net.w[0]!.abs().equals(largest) || net.w[net.w.length - 1]!.abs().equals(largest)).toBe(false); // the largest is inside the list
  });
  test('labels that are not all integers have no recovery rate; the fitted labels give residual 0', () => {
    const net = interpolateExact(X, ['1/4', -2, 5, '1/2']);
    const report = checkExact(net, X, ['1/4', -2, 5, '1/2']);
    expect(report.maxResidual).toEqualFraction(0);
    expect(report.labelsRecovered).toBeNull();
    expect(checkExact(net, X, [0, -2, '5.5', 1]).labelsRecovered).toBeNull();
    expect(checkExact(net, [], []).labelsRecovered).toBeNull(); // no points: no rate (not 0/0)
    expect(checkExact(net, [], []).maxResidual).toEqualFraction(0);
  });
  test('one point has no gap; counts must match', () => {
    const one = interpolateExact([[2, 3]], [7]);
    const report = checkExact(one, [[2, 3]], [7]);
    expect(report.minGap).toBeNull();
    expect(report.maxAbsWeight).toEqualFraction(one.w[0]!.abs());
    expect(() => checkExact(one, [[2, 3]], [7, 8])).toThrow('checkExact: 1 points but 2 labels');
  });
});

describe('evaluateFast (prefix sums) is the same rational function as evaluate (the definition)', () => {
  test('at the training points and between them, exactly', () => {
    const rng = new Rng(4);
    for (let trial = 0; trial < 5; trial++) {
      const n = 5 + trial * 7;
      const X = Array.from({ length: n }, () => [rng.int(41) - 20, rng.int(41) - 20]);
      const y = Array.from({ length: n }, () => rng.int(11) - 5);
      let net;
      try {
        net = interpolateExact(X, y, { seed: trial });
      } catch {
        continue; // duplicate points drawn: refused, nothing to compare
      }
      const probes = [...X, ...Array.from({ length: 20 }, () => [`${rng.int(4001) - 2000}/100`, `${rng.int(4001) - 2000}/97`])];
      for (const x of probes) expect(net.evaluateFast(x).equals(net.evaluate(x)), JSON.stringify(x)).toBe(true);
    }
  });
});
