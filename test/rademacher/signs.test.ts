import { describe, expect, test } from 'vitest';
import { InputError } from '../../src/errors.js';
import { exhaustiveRademacher } from '../../src/rademacher/estimate.js';
import { finiteClass } from '../../src/rademacher/oracles.js';
import { signVectors } from '../../src/rademacher/signs.js';
import { allSigns } from '../../proofs/rademacher/helpers.js';

describe('the one sign-vector enumeration', () => {
  test('index k has σ_i = +1 iff bit i of k is set: n = 2 in full, and a window of n = 3', () => {
    expect(Array.from(signVectors(2, 0, 4))).toEqual([-1, -1, 1, -1, -1, 1, 1, 1]);
    expect(Array.from(signVectors(3, 5, 2))).toEqual([1, -1, 1, -1, 1, 1]); // 5 = 0b101, 6 = 0b110
    expect(signVectors(0, 0, 1)).toHaveLength(0); // the empty vector, once
    expect(signVectors(3, 4, 0)).toHaveLength(0); // no vectors
    expect(Array.from(signVectors(30, 2 ** 30 - 1, 1))).toEqual(Array(30).fill(1)); // n = 30, the largest, and its last index
  });

  test('all 2^n vectors are distinct, windows tile the whole, and out is written in place', () => {
    const n = 9;
    const all = signVectors(n, 0, 2 ** n);
    const rows = new Set(Array.from({ length: 2 ** n }, (_, k) => all.subarray(k * n, (k + 1) * n).join(',')));
    expect(rows.size).toBe(2 ** n);
    const tiled = new Int8Array(2 ** n * n);
    for (let first = 0; first < 2 ** n; first += 100) {
      const count = Math.min(100, 2 ** n - first);
      const out = new Int8Array(150 * n);
      expect(signVectors(n, first, count, out)).toBe(out);
      expect(out.subarray(count * n).every((v) => v === 0)).toBe(true); // only its (count, n) entries are written
      tiled.set(out.subarray(0, count * n), first * n);
    }
    expect(Array.from(tiled)).toEqual(Array.from(all));
  });

  test('exact enumeration and the proofs walk this order: the proofs\' allSigns is it, and a sum weighted by index needs the order', () => {
    expect(Array.from(allSigns(5))).toEqual(Array.from(signVectors(5, 0, 32)));
    // one hypothesis h = (1, 2, 4): Σ_σ sup = Σ_σ ⟨σ, h⟩ = 0 in any order, so check position by position
    const sups = finiteClass([[1, 2, 4]]).supBatch(signVectors(3, 0, 8), 8);
    expect(Array.from(sups)).toEqual([-7, -5, -3, -1, 1, 3, 5, 7]); // ⟨σ, h⟩ = 2k − 7 for index k
    expect(exhaustiveRademacher(finiteClass([[1, 2, 4]])).exact!.toFraction()).toBe('0');
  });

  test('bad sizes and windows are refused with what to do', () => {
    expect(() => signVectors(31, 0, 1)).toThrow(new InputError('signVectors: n must be an integer in [0, 30], got 31; enumerate fewer points'));
    expect(() => signVectors(2.5, 0, 1)).toThrow(InputError);
    expect(() => signVectors(3, 6, 3)).toThrow(new InputError('signVectors: indices 6 … 8 are not within 0 … 2^3 − 1; pass 0 ≤ first and first + count ≤ 2^n'));
    expect(() => signVectors(3, -1, 1)).toThrow(InputError);
    // each condition on its own, with the message that names it (a later check would throw something else)
    expect(() => signVectors(2.5, 0, 1)).toThrow(new InputError('signVectors: n must be an integer in [0, 30], got 2.5; enumerate fewer points'));
    expect(() => signVectors(-1, 0, 1)).toThrow(new InputError('signVectors: n must be an integer in [0, 30], got -1; enumerate fewer points'));
    expect(() => signVectors(3, 0.5, 1)).toThrow(new InputError('signVectors: indices 0.5 … 0.5 are not within 0 … 2^3 − 1; pass 0 ≤ first and first + count ≤ 2^n'));
    expect(() => signVectors(3, 0, 1.5)).toThrow(new InputError('signVectors: indices 0 … 0.5 are not within 0 … 2^3 − 1; pass 0 ≤ first and first + count ≤ 2^n'));
    expect(() => signVectors(3, 2, -1, new Int8Array(3))).toThrow(new InputError('signVectors: indices 2 … 0 are not within 0 … 2^3 − 1; pass 0 ≤ first and first + count ≤ 2^n'));
    expect(() => signVectors(3, 0, 2, new Int8Array(5))).toThrow(new InputError('signVectors: out has 5 entries, needs (count, n) = (2, 3); pass a larger array'));
  });
});
