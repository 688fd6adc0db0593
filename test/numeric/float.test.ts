import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { Dyadic } from '../../src/numeric/dyadic.js';
import { UNIT_ROUNDOFF, ddAdd, ddMulNumber, gamma, nextDown, nextUp, twoProd, twoSum } from '../../src/numeric/float.js';
import { dyadicToFraction, toFraction } from '../../src/exact/fraction.js';

const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const exact = (...parts: number[]) => parts.reduce((s, v) => s.add(Dyadic.fromNumber(v)), Dyadic.ZERO);

describe('directed neighbours', () => {
  test.prop({ x: finite })('nextUp(x) is the next float64 above x and nextDown undoes it (every finite x)', ({ x }) => {
    const up = nextUp(x);
    expect(up).toBeGreaterThan(x);
    if (x !== 0) expect(nextDown(up)).toBe(x); // the float64 just above x has x just below it
    expect(nextDown(x)).toBeLessThan(x);
    expect(nextUp(nextDown(x)) === x || x === 0).toBe(true);
    // nothing lies strictly between: x and nextUp(x) differ by one unit in the last place
    if (Number.isFinite(up) && x !== 0) expect(dyadicToFraction(exact(up, -x)).compare(toFraction(0))).toBe(1);
  });

  test('special values: ±0, the extremes, ∞ and NaN', () => {
    expect(nextUp(0)).toBe(Number.MIN_VALUE);
    expect(nextUp(-0)).toBe(Number.MIN_VALUE);
    expect(Object.is(nextUp(-Number.MIN_VALUE), -0)).toBe(true);
    expect(nextDown(0)).toBe(-Number.MIN_VALUE);
    expect(nextUp(Number.MAX_VALUE)).toBe(Infinity);
    expect(nextUp(-Infinity)).toBe(-Number.MAX_VALUE);
    expect(nextUp(Infinity)).toBe(Infinity);
    expect(nextDown(-Infinity)).toBe(-Infinity);
    expect(nextUp(NaN)).toBeNaN();
    expect(nextUp(1)).toBe(1 + 2 ** -52);
    expect(nextDown(1)).toBe(1 - 2 ** -53);
    expect(nextUp(-1)).toBe(-1 + 2 ** -53);
  });
});

describe('γ_m = m·u / (1 − m·u), rounded upward (Higham 2002, §3.1)', () => {
  test.prop({ m: fc.integer({ min: 1, max: 2 ** 40 }) })('an upper bound within a few ulps of the exact value', ({ m }) => {
    const g = gamma(m);
    const mu = toFraction(m).mul(toFraction(UNIT_ROUNDOFF));
    const truth = mu.div(toFraction(1).sub(mu));
    expect(toFraction(g).compare(truth)).toBeGreaterThanOrEqual(0);
    expect(toFraction(g).compare(truth.mul(toFraction(1 + 2 ** -49)))).toBeLessThanOrEqual(0);
  });
  test('it is infinite once m·u ≥ ½ and finite just below', () => {
    expect(UNIT_ROUNDOFF).toBe(2 ** -53);
    expect(gamma(2 ** 52)).toBe(Infinity);
    expect(gamma(2 ** 52 - 1)).toBeLessThan(1.0000001);
    expect(gamma(2 ** 52 - 1)).toBeGreaterThan(0.9999999);
    expect(gamma(0)).toBeGreaterThanOrEqual(0); // γ_0 = 0, rounded up to a few subnormals
    expect(gamma(0)).toBeLessThan(2 ** -1070);
  });
});

describe('error-free transformations and double-double arithmetic', () => {
  const moderate = fc.double({ min: -1e100, max: 1e100, noNaN: true });
  test.prop({ a: moderate, b: moderate })('TwoSum and TwoProduct are exact: s + e = a + b, p + e = a·b', ({ a, b }) => {
    const [s, e] = twoSum(a, b);
    expect(s).toBe(a + b);
    expect(exact(s, e).equals(exact(a, b))).toBe(true);
    fc.pre(a === 0 || b === 0 || Math.abs(a * b) > 1e-250);
    const [p, pe] = twoProd(a, b);
    expect(p).toBe(a * b);
    expect(exact(p, pe).equals(Dyadic.fromNumber(a).mul(Dyadic.fromNumber(b)))).toBe(true);
  });

  test.prop({ a: moderate, b: moderate, c: moderate })(
    'double-double: (a, 0) + (b, 0) and (a, 0)·c are exact; hi carries the rounded value and |lo| ≤ ulp(hi)/2',
    ({ a, b, c }) => {
      const sum = ddAdd(a, 0, b, 0);
      expect(exact(sum.hi, sum.lo).equals(exact(a, b))).toBe(true);
      expect(sum.hi).toBe(sum.hi + sum.lo);
      fc.pre(a === 0 || c === 0 || Math.abs(a * c) > 1e-250);
      const prod = ddMulNumber(a, 0, c);
      expect(exact(prod.hi, prod.lo).equals(Dyadic.fromNumber(a).mul(Dyadic.fromNumber(c)))).toBe(true);
      expect(prod.hi).toBe(prod.hi + prod.lo);
    },
  );

  test.prop({ a: moderate, b: fc.double({ min: 1, max: 2, noNaN: true }), c: moderate, d: fc.double({ min: 1, max: 2, noNaN: true }) })(
    'double-double with low parts: the sum of two and the product by a float64 are accurate to ~2^−100',
    ({ a, b, c, d }) => {
      // operands (hi, lo) with lo well below an ulp of hi
      const [aHi, aLo] = [a, a * b * 2 ** -60];
      const [cHi, cLo] = [c, c * d * 2 ** -60];
      const sum = ddAdd(aHi, aLo, cHi, cLo);
      const truth = dyadicToFraction(exact(aHi, aLo, cHi, cLo));
      const scale = toFraction(Math.abs(a) + Math.abs(c));
      expect(dyadicToFraction(exact(sum.hi, sum.lo)).sub(truth).abs().compare(scale.mul(toFraction(2 ** -100)))).toBeLessThanOrEqual(0);
      fc.pre(Math.abs(a * c) > 1e-200 || a === 0 || c === 0);
      const prod = ddMulNumber(aHi, aLo, c);
      const pTruth = dyadicToFraction(exact(aHi, aLo).mul(Dyadic.fromNumber(c)));
      expect(dyadicToFraction(exact(prod.hi, prod.lo)).sub(pTruth).abs().compare(toFraction(Math.abs(a * c)).mul(toFraction(2 ** -100)))).toBeLessThanOrEqual(0);
    },
  );
});
