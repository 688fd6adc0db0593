import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { Dyadic } from '../../src/numeric/dyadic.js';
import { nextDown, nextUp, twoProd, twoSum, gamma, UNIT_ROUNDOFF } from '../../src/numeric/float.js';
import { dyadicToFraction, toFraction } from '../../src/exact/fraction.js';

const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const moderate = fc.double({ min: -1e150, max: 1e150, noNaN: true });

describe('Dyadic — exact m·2^e arithmetic', () => {
  test.prop({ x: finite })('fromNumber is exact: it round-trips and equals the float as a fraction', ({ x }) => {
    const d = Dyadic.fromNumber(x);
    expect(d.toNumber()).toBe(x === 0 ? 0 : x);
    expect(dyadicToFraction(d)).toEqualFraction(toFraction(x));
  });

  test.prop({ x: moderate, y: moderate })('sums and products are exact (checked against mathjs Fractions)', ({ x, y }) => {
    const [dx, dy] = [Dyadic.fromNumber(x), Dyadic.fromNumber(y)];
    expect(dyadicToFraction(dx.add(dy))).toEqualFraction(toFraction(x).add(toFraction(y)));
    expect(dyadicToFraction(dx.sub(dy))).toEqualFraction(toFraction(x).sub(toFraction(y)));
    expect(dyadicToFraction(dx.mul(dy))).toEqualFraction(toFraction(x).mul(toFraction(y)));
    expect(dx.compare(dy)).toBe(x < y ? -1 : x > y ? 1 : 0);
  });

  test.prop({ x: finite, y: finite, z: finite })('absUpperBound is a rigorous upper bound, within a few ulps', ({ x, y, z }) => {
    const v = Dyadic.fromNumber(x).mul(Dyadic.fromNumber(y)).add(Dyadic.fromNumber(z));
    const u = v.absUpperBound();
    const exact = dyadicToFraction(v).abs();
    if (!Number.isFinite(u)) return; // beyond float64's range: an infinite bound is still a bound
    expect(exact.compare(toFraction(u))).toBeLessThanOrEqual(0);
    if (u > 1e-300) expect(u).toBeLessThanOrEqual(nextUp(nextUp(nextUp(Math.abs(v.toNumber())))));
  });

  test('0.1 + 0.2 ≠ 0.3 exactly, as in float64 it rounds', () => {
    const s = Dyadic.fromNumber(0.1).add(Dyadic.fromNumber(0.2));
    expect(s.equals(Dyadic.fromNumber(0.3))).toBe(false);
    expect(s.equals(Dyadic.fromNumber(0.1 + 0.2))).toBe(false);
    expect(() => Dyadic.fromNumber(NaN)).toThrow(/not a finite number/);
  });
});

describe('error-free transformations', () => {
  test.prop({ a: moderate, b: moderate })('TwoSum: s + e = a + b exactly', ({ a, b }) => {
    const [s, e] = twoSum(a, b);
    expect(s).toBe(a + b);
    expect(Dyadic.fromNumber(s).add(Dyadic.fromNumber(e)).equals(Dyadic.fromNumber(a).add(Dyadic.fromNumber(b)))).toBe(true);
  });

  test.prop({ a: fc.double({ min: -1e100, max: 1e100, noNaN: true }), b: fc.double({ min: -1e100, max: 1e100, noNaN: true }) })(
    'TwoProduct: p + e = a·b exactly (no underflow)',
    ({ a, b }) => {
      fc.pre(a === 0 || b === 0 || Math.abs(a * b) > 1e-250);
      const [p, e] = twoProd(a, b);
      expect(Dyadic.fromNumber(p).add(Dyadic.fromNumber(e)).equals(Dyadic.fromNumber(a).mul(Dyadic.fromNumber(b)))).toBe(true);
    },
  );

  test('nextUp / nextDown step one ulp; γ_m = m·u/(1 − m·u) rounded up', () => {
    expect(nextUp(1)).toBe(1 + 2 ** -52);
    expect(nextDown(1)).toBe(1 - 2 ** -53);
    expect(nextUp(-1)).toBe(-1 + 2 ** -53);
    expect(nextUp(0)).toBe(Number.MIN_VALUE);
    expect(gamma(10)).toBeGreaterThanOrEqual((10 * UNIT_ROUNDOFF) / (1 - 10 * UNIT_ROUNDOFF));
    expect(gamma(2 ** 60)).toBe(Infinity);
  });
});
