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

describe('Dyadic — beyond float64: long mantissas, huge and tiny exponents', () => {
  test.prop({ xs: fc.array(fc.double({ min: 2 ** 40, max: 2 ** 53, noNaN: true }), { minLength: 20, maxLength: 24 }), negative: fc.boolean() })(
    'a product of 20+ float64s (> 960 mantissa bits): absUpperBound ≥ |value| within 2^−48, toNumber within 2^−50 (or ∞ beyond float64)',
    ({ xs, negative }) => {
      let p = Dyadic.fromNumber(negative ? -1 : 1);
      for (const x of xs) p = p.mul(Dyadic.fromNumber(x).mul(Dyadic.fromNumber(2 ** -48)));
      const exact = dyadicToFraction(p);
      const u = p.absUpperBound();
      const v = p.toNumber();
      expect(Math.sign(v)).toBe(negative ? -1 : 1);
      expect(p.sign()).toBe(negative ? -1 : 1);
      // |value| ∈ [2^−192, 2^120] (each factor x·2^−48 ∈ [2^−8, 2^5]): both must be finite, so the
      // 960-bit shortening and the split scaling by 2^±1000 are exercised, not skipped
      expect(Number.isFinite(u) && Number.isFinite(v)).toBe(true);
      expect(exact.abs().compare(toFraction(u))).toBeLessThanOrEqual(0);
      expect(toFraction(u).compare(exact.abs().mul(toFraction(1 + 2 ** -48)))).toBeLessThanOrEqual(0);
      expect(toFraction(v).sub(exact).abs().compare(exact.abs().mul(toFraction(2 ** -50)))).toBeLessThanOrEqual(0);
    },
  );

  test('exponents past float64: tiny products round to 0 (toNumber) or the least subnormal (absUpperBound), huge ones to ±∞', () => {
    const tiny = Dyadic.fromNumber(2 ** -1074).mul(Dyadic.fromNumber(2 ** -1074)); // 2^−2148
    expect(tiny.toNumber()).toBe(0);
    expect(tiny.absUpperBound()).toBe(Number.MIN_VALUE);
    const huge = Dyadic.fromNumber(2 ** 1000).mul(Dyadic.fromNumber(2 ** 1000)); // 2^2000
    expect(huge.toNumber()).toBe(Infinity);
    expect(huge.neg().toNumber()).toBe(-Infinity);
    expect(huge.absUpperBound()).toBe(Infinity);
    expect(Dyadic.fromNumber(2 ** 1000).mul(Dyadic.fromNumber(2 ** 20)).mul(Dyadic.fromNumber(2 ** -30)).toNumber()).toBe(2 ** 990);
    expect(Dyadic.fromNumber(2 ** -1000).mul(Dyadic.fromNumber(2 ** -60)).mul(Dyadic.fromNumber(2 ** 70)).toNumber()).toBe(2 ** -990);
    expect(Dyadic.fromNumber(3 * 2 ** -1074).absUpperBound()).toBeGreaterThanOrEqual(3 * 2 ** -1074);
  });

  test('integers, signs, comparisons and the printed form', () => {
    const seven = Dyadic.fromBigInt(7n);
    expect(seven.toNumber()).toBe(7);
    expect(seven.equals(Dyadic.fromNumber(7))).toBe(true);
    expect(seven.neg().abs().equals(seven)).toBe(true);
    expect(seven.abs().equals(seven)).toBe(true);
    expect([seven.sign(), seven.neg().sign(), Dyadic.ZERO.sign()]).toEqual([1, -1, 0]);
    expect([seven.compare(Dyadic.fromNumber(7.5)), Dyadic.fromNumber(7.5).compare(seven), seven.compare(Dyadic.fromBigInt(7n))]).toEqual([-1, 1, 0]);
    expect(Dyadic.fromNumber(0.75).toString()).toBe('6755399441055744*2^-53'); // the 53-bit mantissa 3·2^51, times 2^−53
    expect(Dyadic.ZERO.add(seven)).toBe(seven); // adding zero returns the other operand
    expect(seven.add(Dyadic.ZERO)).toBe(seven);
    expect(seven.mul(Dyadic.ZERO).sign()).toBe(0);
    expect(Dyadic.ZERO.absUpperBound()).toBe(0);
    expect(Dyadic.ZERO.toNumber()).toBe(0);
    expect(Dyadic.fromNumber(-0).equals(Dyadic.ZERO)).toBe(true);
    expect(Dyadic.fromNumber(Number.MIN_VALUE).toNumber()).toBe(Number.MIN_VALUE); // subnormal
    expect(Dyadic.fromNumber(-2.5).sub(Dyadic.fromNumber(0.5)).toNumber()).toBe(-3);
    expect(() => Dyadic.fromNumber(Infinity)).toThrow(/Infinity is not a finite number/);
  });
});

/** 1·2^j with mantissa exactly 1: (2^(j+52) + 2^j) − 2^(j+52) cancels to the last bit, j ∈ [−1022, 971]. */
const unit = (j: number): Dyadic => Dyadic.fromNumber(2 ** (j + 52) + 2 ** j).sub(Dyadic.fromNumber(2 ** (j + 52)));

/** The dyadic m·2^e with mantissa exactly m and exponent exactly e, for any integer e. */
function dyadic(m: bigint, e: number): Dyadic {
  let d = Dyadic.fromBigInt(m);
  for (let k = e; k !== 0; ) {
    const j = Math.max(-1022, Math.min(971, k));
    d = d.mul(unit(j));
    k -= j;
  }
  return d;
}

const bitLength = (m: bigint): number => (m < 0n ? -m : m).toString(2).length;

/** The last bit of a float64's significand (0: even), read from its IEEE bits. */
function lastBit(x: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigUint64(0) & 1n;
}

/** m·2^e with its leading bit at 2^top. */
const atTop = (m: bigint, top: number, negative: boolean): Dyadic => dyadic(negative ? -m : m, top - (bitLength(m) - 1));

/**
 * Dyadics across float64's whole range and beyond: mantissas of 1 to 1,100 bits with the leading bit
 * anywhere in 2^−1200 … 2^1100; and values on or next to a rounding tie — an odd (p+1)-bit head
 * (halfway between two floats of p bits: p = 53 for normal numbers, fewer for subnormals), shifted
 * left, then plus or minus one in the last place.
 */
const anyDyadic = fc.oneof(
  fc
    .record({ bits: fc.integer({ min: 1, max: 1100 }), top: fc.integer({ min: -1200, max: 1100 }), negative: fc.boolean(), seed: fc.bigInt({ min: 0n, max: (1n << 1100n) - 1n }) })
    .map(({ bits, top, negative, seed }) => atTop((1n << BigInt(bits - 1)) | (seed & ((1n << BigInt(bits - 1)) - 1n)), top, negative)),
  fc
    .record({ p: fc.integer({ min: 1, max: 53 }), head: fc.bigInt({ min: 0n, max: (1n << 53n) - 1n }), shift: fc.integer({ min: 0, max: 1000 }), last: fc.constantFrom(-1n, 0n, 1n), top: fc.integer({ min: -1022, max: 1023 }), negative: fc.boolean() })
    .map(({ p, head, shift, last, top, negative }) => {
      const h = (1n << BigInt(p)) | ((head << 1n) & ((1n << BigInt(p)) - 1n)) | 1n; // p+1 bits, odd: a tie at precision p
      const m = (h << BigInt(shift)) + last;
      return atTop(m, p === 53 ? top : p - 1075, negative); // p < 53: the subnormal range keeps top + 1075 bits
    }),
);

describe('Dyadic — toNumber is the nearest float64, ties to even; absUpperBound is a bound within 3 ulps', () => {
  const LIMIT = toFraction(2 ** 1023).mul(toFraction(2 - 2 ** -53)); // 2^1024 − 2^970: from here on, ±∞

  test.prop({ d: anyDyadic })('no float64 is nearer than toNumber, and on a tie its last bit is even', ({ d }) => {
    const exact = dyadicToFraction(d);
    const v = d.toNumber();
    if (!Number.isFinite(v)) {
      expect(exact.abs().compare(LIMIT)).toBeGreaterThanOrEqual(0);
      expect(Math.sign(v)).toBe(d.sign());
      return;
    }
    const dist = exact.sub(toFraction(v)).abs();
    for (const w of [nextUp(v), nextDown(v)]) {
      if (!Number.isFinite(w)) {
        expect(exact.abs().compare(LIMIT)).toBeLessThan(0);
        continue;
      }
      const c = dist.compare(exact.sub(toFraction(w)).abs());
      expect(c).toBeLessThanOrEqual(0);
      if (c === 0) expect(lastBit(v)).toBe(0n);
    }
  });

  test.prop({ n: fc.oneof(fc.bigInt({ min: -(1n << 1100n), max: 1n << 1100n }), anyDyadic.filter((d) => d.e >= 0).map((d) => d.m << BigInt(d.e))) })(
    'an integer converts as JavaScript converts it: fromBigInt(n).toNumber() = Number(n)',
    ({ n }) => {
      expect(Dyadic.fromBigInt(n).toNumber()).toBe(Number(n));
    },
  );

  test('ties and near-ties past the 960-bit shortening, and exponents past ±1000 with short mantissas', () => {
    const tie = (2n ** 53n + 1n) << 950n; // halfway between 2^1003 and (2^53 + 2)·2^950: to the even one, 2^1003
    expect(Dyadic.fromBigInt(tie).toNumber()).toBe(2 ** 1003);
    expect(Dyadic.fromBigInt(tie + 1n).toNumber()).toBe(Number(tie + 1n)); // above the tie: up, although the bit is beyond 960
    expect(Dyadic.fromBigInt(tie + 1n).toNumber()).toBeGreaterThan(2 ** 1003);
    expect(Dyadic.fromBigInt(-tie - 1n).toNumber()).toBe(-Number(tie + 1n));
    expect(Dyadic.fromBigInt(tie - 1n).toNumber()).toBe(2 ** 1003);
    // m·2^e with e > 1000 and a short m (as cancellation leaves it): the scaling runs in steps of 2^1000
    expect(dyadic(1n, 1001).toNumber()).toBe(2 ** 1001);
    expect(dyadic(-5n, 1020).toNumber()).toBe(-5 * 2 ** 1020);
    expect(dyadic(1n, 2100).toNumber()).toBe(Infinity);
    expect(dyadic(1n, -2100).toNumber()).toBe(0);
    expect(dyadic(3n, -1075).toNumber()).toBe(2 * Number.MIN_VALUE); // 1.5 ulps: the tie goes to the even 2
    const u = dyadic(1n, 1001).absUpperBound();
    expect(u).toBeGreaterThanOrEqual(2 ** 1001);
    expect(u).toBeLessThanOrEqual(nextUp(nextUp(nextUp(2 ** 1001))));
    expect(dyadic(7n, 1017).absUpperBound()).toBeLessThanOrEqual(nextUp(nextUp(nextUp(7 * 2 ** 1017))));
    expect(dyadic(7n, 1017).absUpperBound()).toBeGreaterThanOrEqual(7 * 2 ** 1017);
    expect(dyadic(1n, 2100).absUpperBound()).toBe(Infinity);
  });

  test.prop({ d: anyDyadic })('absUpperBound ≥ |value|, and at most 3 ulps above the nearest float64', ({ d }) => {
    const u = d.absUpperBound();
    if (Number.isFinite(u)) expect(dyadicToFraction(d).abs().compare(toFraction(u))).toBeLessThanOrEqual(0);
    expect(u).toBeLessThanOrEqual(nextUp(nextUp(nextUp(Math.abs(d.toNumber())))));
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
