import { fraction, type Fraction } from 'mathjs';
import { InputError } from '../errors.js';
import { Dyadic } from '../numeric/dyadic.js';

export type { Fraction };

/** A value accepted where exact arithmetic is done: a number (taken at its exact binary value), a bigint, a decimal or `p/q` string, or a Fraction. */
export type ExactInput = number | bigint | string | Fraction;

export const ZERO: Fraction = fraction(0);
export const ONE: Fraction = fraction(1);

/**
 * The exact rational value of `v`.
 *
 * A number is converted from its binary value, *not* from its shortest decimal: `0.1` becomes
 * 3602879701896397/36028797018963968 (mathjs' own `fraction(0.1)` would give 1/10, which is not the
 * float). Pass the string `'0.1'` for one tenth.
 *
 * @example
 * toFraction('0.1').toFraction(); // '1/10'
 * toFraction(0.5).toFraction();   // '1/2'
 */
export function toFraction(v: ExactInput): Fraction {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new InputError(`exact arithmetic: ${v} is not a finite number`);
    if (Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER) return fraction(v);
    return dyadicToFraction(Dyadic.fromNumber(v));
  }
  if (typeof v === 'bigint') return fraction(v, 1n);
  if (typeof v === 'string') {
    const s = v.trim();
    if (!/^[-+]?(\d+(\.\d*)?|\.\d+)(\/\d+)?$/.test(s)) { // what mathjs parses exactly: no exponent, a positive integer denominator
      throw new InputError(`exact arithmetic: '${v}' is not a decimal or p/q number`);
    }
    try {
      return fraction(s);
    } catch {
      throw new InputError(`exact arithmetic: '${v}' is not a decimal or p/q number`);
    }
  }
  return v;
}

/** The exact rational value of a dyadic m·2^e. */
export function dyadicToFraction(x: Dyadic): Fraction {
  if (x.e >= 0) return fraction(x.m << BigInt(x.e), 1n);
  return fraction(x.m, 1n << BigInt(-x.e));
}

/** True when the fraction is an integer. */
export function isIntegral(x: Fraction): boolean {
  return x.d === 1n;
}

/** max(x, 0). */
export function reluFraction(x: Fraction): Fraction {
  return x.s < 0n ? ZERO : x;
}

/**
 * The float64 nearest (to within a few ulps) a fraction's value, also when its numerator or
 * denominator exceeds float64's range (mathjs' `valueOf()` then gives ∞/∞ = NaN). A value beyond
 * float64's range is ±Infinity, below it ±0.
 *
 * @example
 * toNumber(fraction(10n ** 400n + 1n, 10n ** 400n)); // 1
 */
export function toNumber(x: Fraction): number {
  const n = x.n < 0n ? -x.n : x.n;
  const d = x.d;
  if (n === 0n) return 0;
  const sign = x.s < 0n ? -1 : 1;
  // Keep the top 64 bits of each and carry the rest as a power of two.
  const shiftN = Math.max(0, n.toString(2).length - 64);
  const shiftD = Math.max(0, d.toString(2).length - 64);
  const ratio = Number(n >> BigInt(shiftN)) / Number(d >> BigInt(shiftD));
  const e = shiftN - shiftD;
  // 2^e may overflow alone while ratio·2^e does not: apply it in two halves.
  return sign * ratio * 2 ** Math.trunc(e / 2) * 2 ** (e - Math.trunc(e / 2));
}
