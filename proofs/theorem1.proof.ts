import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { interpolateExact } from '../src/expressivity/exact.js';
import { toFraction } from '../src/exact/fraction.js';
import { integerSample, rationalSample } from './arbitraries.js';

/**
 * Theorem 1 (Zhang et al. 2017, §4): there exists a two-layer ReLU network with 2n + d weights that
 * represents any function on a sample of n distinct points in d dimensions. Checked exactly, in
 * rational arithmetic, for every point in the caller's order.
 */
describe('Theorem 1 — finite-sample expressivity (exact)', () => {
  test.prop({ sample: integerSample(12, 5) })('interpolates any integer labels on distinct integer points', ({ sample }) => {
    const net = interpolateExact(sample.X, sample.y);
    expect(net.parameterCount).toBe(2 * sample.n + sample.d);
    expect(net.a.length + net.b.length + net.w.length).toBe(2 * sample.n + sample.d);
    sample.X.forEach((x, i) => expect(net.evaluate(x)).toEqualFraction(sample.y[i] as number));
  });

  test.prop({ sample: rationalSample(8, 3), direction: fc.constantFrom('auto' as const, 'moment-curve' as const, 'random-integer' as const) })(
    'interpolates any rational labels on distinct rational points, under every direction rule for non-integer data',
    ({ sample, direction }) => {
      const net = interpolateExact(sample.X, sample.y, { direction });
      const integral = sample.X.every((row) => row.every((v) => toFraction(v).d === 1n));
      const expected = direction !== 'auto' ? new RegExp(direction) : integral ? /powers-of-K/ : /random-integer|moment-curve/;
      expect(net.directionUsed).toMatch(expected);
      expect(net.parameterCount).toBe(2 * sample.n + sample.d);
      sample.X.forEach((x, i) => expect(net.evaluate(x)).toEqualFraction(sample.y[i] as string));
    },
  );

  test.prop({ sample: integerSample(10, 4), direction: fc.constantFrom('powers-of-K' as const, 'moment-curve' as const, 'random-integer' as const) })(
    'every exact direction rule gives distinct projections, and z_(i) is the projection of the point order[i]',
    ({ sample, direction }) => {
      const net = interpolateExact(sample.X, sample.y, { direction });
      for (let i = 1; i < net.n; i++) expect(net.zSorted[i]!.compare(net.zSorted[i - 1]!)).toBe(1);
      // every point's projection ⟨a, x⟩, computed here from a, is the sorted projection at its position
      expect([...net.order].sort((p, q) => p - q)).toEqual(sample.X.map((_, i) => i));
      net.order.forEach((row, i) => {
        const z = sample.X[row]!.reduce((s, v, j) => s.add(net.a[j]!.mul(v)), toFraction(0));
        expect(z).toEqualFraction(net.zSorted[i]!);
      });
    },
  );

  test.prop({ sample: integerSample(12, 5), lambda: fc.constantFrom('1/4', '1/2', '9/10', '1/1000') })(
    'biases interleave: b_1 < z_(1) < b_2 < z_(2) < … < b_n < z_(n), for any λ ∈ (0, 1)',
    ({ sample, lambda }) => {
      const net = interpolateExact(sample.X, sample.y, { lambda });
      for (let i = 0; i < net.n; i++) {
        expect(net.b[i]!.compare(net.zSorted[i]!)).toBe(-1);
        if (i > 0) expect(net.zSorted[i - 1]!.compare(net.b[i]!)).toBe(-1);
      }
      sample.X.forEach((x, i) => expect(net.evaluate(x)).toEqualFraction(sample.y[i] as number));
    },
  );
});
