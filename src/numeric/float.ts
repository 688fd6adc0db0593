/**
 * Floating-point facts used by the construction and the certificate: unit roundoff, directed
 * neighbours, and error-free transformations (Knuth's TwoSum, Dekker's TwoProduct) so that
 * double-double sums carry about 106 bits.
 */

/** Unit roundoff of IEEE binary64, u = 2^−53. */
export const UNIT_ROUNDOFF = 2 ** -53;

const scratch = new DataView(new ArrayBuffer(8));

/** The smallest float64 strictly greater than `x` (x finite). */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  scratch.setFloat64(0, x);
  const bits = scratch.getBigUint64(0);
  scratch.setBigUint64(0, x > 0 ? bits + 1n : bits - 1n);
  return scratch.getFloat64(0);
}

/** The largest float64 strictly less than `x` (x finite). */
export function nextDown(x: number): number {
  return -nextUp(-x);
}

/**
 * γ_m = m·u / (1 − m·u), the constant of the standard rounding-error analysis
 * (Higham, *Accuracy and Stability of Numerical Algorithms*, §3.1): a sum or dot product of m
 * terms evaluated left to right satisfies |fl(Σ) − Σ| ≤ γ_(m−1) Σ|terms|. Rounded upward.
 */
export function gamma(m: number): number {
  const mu = m * UNIT_ROUNDOFF;
  if (mu >= 0.5) return Infinity;
  return nextUp(nextUp(mu) / nextDown(1 - mu));
}

/** TwoSum: s + e = a + b exactly, s = fl(a + b). */
export function twoSum(a: number, b: number): [number, number] {
  const s = a + b;
  const bb = s - a;
  const e = a - (s - bb) + (b - bb);
  return [s, e];
}

const SPLITTER = 134217729; // 2^27 + 1

/** Dekker's TwoProduct: p + e = a·b exactly (barring overflow), p = fl(a·b). */
export function twoProd(a: number, b: number): [number, number] {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const e = al * bl - (p - ah * bh - al * bh - ah * bl);
  return [p, e];
}

/** A double-double value hi + lo with |lo| ≤ ulp(hi)/2. */
export interface DoubleDouble {
  hi: number;
  lo: number;
}

/** (hi, lo) + (hi2, lo2) in double-double arithmetic. */
export function ddAdd(aHi: number, aLo: number, bHi: number, bLo: number): DoubleDouble {
  const [s, e] = twoSum(aHi, bHi);
  const [hi, lo] = fastTwoSum(s, e + aLo + bLo);
  return { hi, lo };
}

/** (hi, lo) · b in double-double arithmetic. */
export function ddMulNumber(aHi: number, aLo: number, b: number): DoubleDouble {
  const [p, e] = twoProd(aHi, b);
  const [hi, lo] = fastTwoSum(p, e + aLo * b);
  return { hi, lo };
}

function fastTwoSum(a: number, b: number): [number, number] {
  const s = a + b;
  return [s, b - (s - a)];
}
