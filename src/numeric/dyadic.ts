import { nextUp } from './float.js';

/**
 * Exact dyadic rationals m · 2^e (m a BigInt, e an integer).
 *
 * Every finite float64 is one, and sums and products of dyadics are dyadics, so any computation
 * made only of +, − and · on float64 inputs can be carried out *exactly* here — no division, no
 * rounding, and much cheaper than general fractions (no gcd). The certificate of Theorem 1
 * ({@link certify}) evaluates the network's prefix sums in this arithmetic.
 *
 * @example
 * const x = Dyadic.fromNumber(0.1).add(Dyadic.fromNumber(0.2));
 * x.equals(Dyadic.fromNumber(0.1 + 0.2)); // false: 0.1 + 0.2 rounds in float64
 */
export class Dyadic {
  static readonly ZERO = new Dyadic(0n, 0);

  private constructor(
    /** Integer mantissa. */
    readonly m: bigint,
    /** Binary exponent: the value is m · 2^e. */
    readonly e: number,
  ) {}

  /** The exact value of a finite float64. */
  static fromNumber(x: number): Dyadic {
    if (!Number.isFinite(x)) {
      throw new RangeError(`Dyadic.fromNumber: ${x} is not a finite number`);
    }
    if (x === 0) return Dyadic.ZERO;
    view.setFloat64(0, x);
    const bits = view.getBigUint64(0);
    const negative = bits >> 63n === 1n;
    const biased = Number((bits >> 52n) & 0x7ffn);
    let mant = bits & 0xfffffffffffffn;
    let exp: number;
    if (biased === 0) {
      exp = -1074; // subnormal
    } else {
      mant |= 1n << 52n;
      exp = biased - 1075;
    }
    return new Dyadic(negative ? -mant : mant, exp);
  }

  /** The integer n. */
  static fromBigInt(n: bigint): Dyadic {
    return new Dyadic(n, 0);
  }

  add(other: Dyadic): Dyadic {
    if (this.m === 0n) return other;
    if (other.m === 0n) return this;
    if (this.e === other.e) return new Dyadic(this.m + other.m, this.e);
    if (this.e < other.e) {
      return new Dyadic(this.m + (other.m << BigInt(other.e - this.e)), this.e);
    }
    return new Dyadic((this.m << BigInt(this.e - other.e)) + other.m, other.e);
  }

  sub(other: Dyadic): Dyadic {
    return this.add(other.neg());
  }

  mul(other: Dyadic): Dyadic {
    if (this.m === 0n || other.m === 0n) return Dyadic.ZERO;
    return new Dyadic(this.m * other.m, this.e + other.e);
  }

  neg(): Dyadic {
    return new Dyadic(-this.m, this.e);
  }

  abs(): Dyadic {
    return this.m < 0n ? this.neg() : this;
  }

  /** −1, 0 or 1. */
  sign(): -1 | 0 | 1 {
    return this.m === 0n ? 0 : this.m < 0n ? -1 : 1;
  }

  /** −1, 0 or 1 as this is less than, equal to or greater than `other`. */
  compare(other: Dyadic): -1 | 0 | 1 {
    return this.sub(other).sign();
  }

  equals(other: Dyadic): boolean {
    return this.compare(other) === 0;
  }

  /** A float64 u with u ≥ |this| (a rigorous upper bound, at most a few ulps above). */
  absUpperBound(): number {
    if (this.m === 0n) return 0;
    const { mag, e } = this.shortMagnitude();
    // Number(mag) ≤ mag·(1 + u) < nextUp(Number(mag)) when rounding went down.
    return nextUp(scaleByPowerOfTwo(nextUp(Number(mag)), e));
  }

  /**
   * The float64 nearest to this value, ties to the even one, and ±∞ from |x| ≥ 2^1024 − 2^970 on —
   * as JavaScript's Number(bigint) converts. One rounding, in BigInt: converting a long mantissa
   * first and scaling afterwards would round twice (at 53 bits, then again in the subnormal range).
   */
  toNumber(): number {
    if (this.m === 0n) return 0;
    const mag = this.m < 0n ? -this.m : this.m;
    // q: the exponent of the last bit float64 keeps — 53 significant bits, none below 2^−1074.
    const q = Math.max(mag.toString(2).length - 1 + this.e - 52, -1074);
    let kept: bigint;
    if (this.e >= q) {
      kept = mag << BigInt(this.e - q);
    } else {
      const drop = BigInt(q - this.e);
      kept = mag >> drop;
      const rest = mag - (kept << drop);
      const half = 1n << (drop - 1n);
      if (rest > half || (rest === half && (kept & 1n) === 1n)) kept += 1n;
    }
    // kept ≤ 2^53, so Number(kept) is exact, and kept·2^q is a float64 (or past the range: ∞)
    const v = scaleByPowerOfTwo(Number(kept), q);
    return this.m < 0n ? -v : v;
  }

  /** |m|·2^e with |m| cut to ≤ 960 bits and rounded up, so Number(|m|) is finite. */
  private shortMagnitude(): { mag: bigint; e: number } {
    let mag = this.m < 0n ? -this.m : this.m;
    let e = this.e;
    const bits = mag.toString(16).length * 4;
    if (bits > 960) {
      const shift = bits - 960;
      mag = (mag >> BigInt(shift)) + 1n;
      e += shift;
    }
    return { mag, e };
  }

  toString(): string {
    return `${this.m}*2^${this.e}`;
  }
}

const view = new DataView(new ArrayBuffer(8));

/** x · 2^e, splitting the scaling so that intermediate powers stay representable. */
function scaleByPowerOfTwo(x: number, e: number): number {
  let v = x;
  let k = e;
  while (k > 1000) {
    v *= 2 ** 1000;
    k -= 1000;
    if (!Number.isFinite(v)) return v;
  }
  while (k < -1000) {
    v *= 2 ** -1000;
    k += 1000;
    if (v === 0) return 0;
  }
  return v * 2 ** k;
}
