import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { InputError } from '../src/errors.js';
import { interpolateExact } from '../src/expressivity/exact.js';
import { certify } from '../src/expressivity/certify.js';
import { diagnose } from '../src/expressivity/diagnostics.js';
import { interpolate, type InterpolatedNetwork } from '../src/expressivity/interpolate.js';
import { ZERO, reluFraction, toFraction, type Fraction } from '../src/exact/fraction.js';
import { integerSample } from './arbitraries.js';

/** The rows without repeats (rounding onto the box can merge points). */
function uniqueRows(X: number[][]): number[][] {
  return X.filter((row, i) => X.findIndex((r) => r.every((v, t) => v === row[t])) === i);
}

/** c(x) for the float network, in exact rationals (its float64 parameters at their exact values). */
function exactOutput(net: InterpolatedNetwork, x: readonly number[]): Fraction {
  const z = x.reduce((s, t, j) => s.add(toFraction(t).mul(toFraction(net.a[j]!))), ZERO);
  let out = ZERO;
  for (let u = 0; u < net.n; u++) out = out.add(toFraction(net.w[u]!).mul(reluFraction(z.sub(toFraction(net.b[u]!)))));
  return out;
}

/**
 * The hypothesis "n distinct points" is necessary, and distinctness has a price. A function takes one
 * value at a point, so two copies of a point with different labels are fitted by no function: the
 * constructions refuse them, naming the rows; copies with equal labels are merged. Two points at
 * distance δ with labels Δ apart are fitted, but the network must climb Δ across a projection gap
 * of |⟨a, x′ − x⟩|, so its steepest slope is at least Δ over that gap; and where float64 can no
 * longer put a bias between the two projections, the float construction refuses instead of
 * returning a network it cannot certify.
 */
describe('Theorem 1 needs distinct points', () => {
  const nearDuplicate = fc.record({
    sample: integerSample(6, 3),
    at: fc.nat(),
    coord: fc.nat(),
    side: fc.constantFrom(2 ** 10, 2 ** 20, 2 ** 24),
    delta: fc.integer({ min: 1, max: 9 }),
    seed: fc.integer({ min: 1, max: 1000 }),
  });
  test.prop({ p: nearDuplicate })(
    'a near-duplicate at distance 1 in a box of side 2^24 with a label Δ away: certified, gap = min consecutive projection gap ≤ |a_j|, steepest slope ≥ Δ/|a_j|',
    ({ p }) => {
      // integer points in [−side, side]^d (the sample's points spread over the box) …
      const M = Math.max(1, ...p.sample.X.flat().map(Math.abs));
      const X = uniqueRows(p.sample.X.map((row) => row.map((v) => Math.round((v / M) * p.side))));
      const ys = p.sample.y.slice(0, X.length); // labels are arbitrary: any X.length of them
      const i = p.at % X.length;
      const j = p.coord % p.sample.d;
      const twin = X[i]!.slice();
      twin[j] = twin[j]! + 1; // … and one point at distance 1 from point i
      fc.pre(!X.some((row) => row.every((v, t) => v === twin[t])));
      const y = [...ys, ys[i]! + p.delta];
      const rows = [...X, twin];
      const net = interpolate(rows, y, { seed: p.seed });
      const cert = certify(net, rows, y);
      expect(cert.exactProjections).toBe(rows.length); // integer data, |Σ a_j x_j| ≤ 2^32: exact
      expect(cert.labelsRecovered).toBe(1);
      // the reported gap is the smallest gap between the projections, computed here from a
      const z = rows.map((x) => x.reduce((s, v, t) => s + v * net.a[t]!, 0)).sort((u, v) => u - v);
      const gaps = z.slice(1).map((v, t) => v - z[t]!);
      expect(net.minGap).toBe(Math.min(...gaps));
      const aj = Math.abs(net.a[j]!);
      expect(net.minGap).toBeLessThanOrEqual(aj); // the twins are |a_j| apart after projection
      // the price of distinctness: c climbs Δ (up to the two certified residuals) across a gap of |a_j|
      const rise = exactOutput(net, twin).sub(exactOutput(net, X[i]!));
      const slack = toFraction(cert.residualBounds[i]!).add(toFraction(cert.residualBounds[rows.length - 1]!));
      expect(rise.sub(p.delta).abs().compare(slack)).toBeLessThanOrEqual(0);
      expect(diagnose(net).maxAbsSlope).toBeGreaterThanOrEqual(((p.delta - 2 * cert.maxResidual) / aj) * (1 - 2 ** -40));
    },
  );

  test('the float64 limit: x = 2^k and x + 1 with labels 0 and 5 are certified for k ≤ 51, refused at k = 52 (no bias between adjacent floats) and as one point with two labels for k ≥ 53', () => {
    const a = { kind: 'explicit', a: [1] } as const;
    for (let k = 40; k <= 60; k++) {
      const X = [[0], [2 ** k], [2 ** k + 1]];
      const y = [0, 0, 5];
      if (k <= 51) {
        const net = interpolate(X, y, { direction: a });
        expect(net.minGap).toBe(1);
        const cert = certify(net, X, y);
        expect([cert.exactProjections, cert.labelsRecovered], `k = ${k}`).toEqual([3, 1]);
        expect(cert.maxResidual).toBeLessThan(1e-9);
      } else if (k === 52) {
        expect(() => interpolate(X, y, { direction: a })).toThrow(/projections 4503599627370496 and 4503599627370497 are adjacent float64 numbers: no bias fits between them/);
      } else {
        expect(2 ** k + 1).toBe(2 ** k); // x + 1 rounds to x: the same point, another label
        expect(() => interpolate(X, y, { direction: a })).toThrow(/rows 2 and 3 \(1-based\) are the same point with different labels \(label 0 vs label 5\)/);
      }
    }
  });

  test.prop({ sample: integerSample(8, 3), at: fc.nat(), delta: fc.integer({ min: 1, max: 9 }) })(
    'a copy of a point with another label is refused, naming both rows',
    ({ sample, at, delta }) => {
      const i = at % sample.n;
      const X = [...sample.X, sample.X[i] as number[]];
      const y = [...sample.y, (sample.y[i] as number) + delta];
      const message = new RegExp(`rows ${i + 1} and ${sample.n + 1} \\(1-based\\) are the same point with different labels`);
      expect(() => interpolate(X, y)).toThrow(message);
      expect(() => interpolateExact(X, y)).toThrow(message);
      expect(() => interpolate(X, y)).toThrow(InputError);
    },
  );

  test.prop({ sample: integerSample(8, 3), at: fc.nat() })('a copy with the same label is merged, and both rows are fitted', ({ sample, at }) => {
    const i = at % sample.n;
    const X = [...sample.X, sample.X[i] as number[]];
    const y = [...sample.y, sample.y[i] as number];
    const net = interpolate(X, y);
    expect(net.merged).toEqual([{ kept: i, dropped: [sample.n] }]);
    expect(net.parameterCount).toBe(2 * sample.n + sample.d);
    const exact = interpolateExact(X, y);
    expect(exact.merged).toEqual([{ kept: i, dropped: [sample.n] }]);
    X.forEach((x, r) => expect(exact.evaluate(x)).toEqualFraction(y[r] as number));
  });
});
