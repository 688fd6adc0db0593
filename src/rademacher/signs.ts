/**
 * Sign vectors σ ∈ {−1, +1}^n, enumerated in one fixed order: the vector of index k (0 ≤ k < 2^n)
 * has σ_i = +1 exactly when bit i of k is set. Exact enumeration (`exhaustiveRademacher`) and the
 * law properties in proofs/rademacher/ both walk this order, so a sup computed one way can be
 * compared position by position with a sup computed the other. Imports nothing heavy: the CLI's
 * flag table reads {@link MAX_EXACT_N} from here.
 */
import { InputError } from '../errors.js';

/** Exact enumeration of all 2^n sign vectors is offered up to this n. */
export const MAX_EXACT_N = 20;

/** The largest n whose indices k < 2^n fit the 31 bits that `k >> i` reads. */
const MAX_ENUMERATED_N = 30;

/**
 * Writes the sign vectors of indices `first`, …, `first + count − 1` in the enumeration order, one
 * per row: row t is σ with σ_i = +1 iff bit i of (first + t) is set, −1 otherwise.
 *
 * @param n - the length of each sign vector (0 … 30)
 * @param first - index of the first vector, 0 ≤ first
 * @param count - how many vectors, with first + count ≤ 2^n
 * @param out - where to write, at least (count, n) entries (default: a new array of exactly that size)
 * @returns `out`, (count, n) entries ±1 filled
 * @example
 * signVectors(2, 0, 4); // Int8Array [-1, -1,  1, -1,  -1, 1,  1, 1]: all four σ of length 2
 * signVectors(3, 5, 1); // Int8Array [1, -1, 1]: index 5 = 0b101
 */
export function signVectors(n: number, first: number, count: number, out?: Int8Array): Int8Array {
  if (!Number.isInteger(n) || n < 0 || n > MAX_ENUMERATED_N) {
    throw new InputError(`signVectors: n must be an integer in [0, ${MAX_ENUMERATED_N}], got ${n}; enumerate fewer points`);
  }
  if (!Number.isInteger(first) || !Number.isInteger(count) || first < 0 || count < 0 || first + count > 2 ** n) {
    throw new InputError(`signVectors: indices ${first} … ${first + count - 1} are not within 0 … 2^${n} − 1; pass 0 ≤ first and first + count ≤ 2^n`);
  }
  if (out === undefined) {
    out = new Int8Array(count * n); // allocated after the checks: a negative size would throw a RangeError
  } else if (out.length < count * n) {
    throw new InputError(`signVectors: out has ${out.length} entries, needs (count, n) = (${count}, ${n}); pass a larger array`);
  }
  for (let t = 0; t < count; t++) {
    const k = first + t;
    const row = t * n;
    for (let i = 0; i < n; i++) out[row + i] = (k >> i) & 1 ? 1 : -1;
  }
  return out;
}
