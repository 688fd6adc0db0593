import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { InputError } from '../../src/errors.js';
import { ZERO, toFraction, type Fraction } from '../../src/exact/fraction.js';
import { determinant, forwardSubstitute, rank, solveExact } from '../../src/exact/linear.js';

const rows = (M: number[][]): Fraction[][] => M.map((r) => r.map((v) => toFraction(v)));
const apply = (A: Fraction[][], x: Fraction[]): Fraction[] => A.map((r) => r.reduce((s, v, j) => s.add(v.mul(x[j]!)), ZERO));

/** det by the Leibniz formula Σ_π sgn(π) Π_i A[i][π(i)] — independent of elimination. */
function leibniz(A: number[][]): bigint {
  const n = A.length;
  let det = 0n;
  const perm = (prefix: number[]): void => {
    if (prefix.length === n) {
      let inversions = 0;
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (prefix[i]! > prefix[j]!) inversions++;
      det += (inversions % 2 ? -1n : 1n) * prefix.reduce((p, c, i) => p * BigInt(A[i]![c]!), 1n);
      return;
    }
    for (let c = 0; c < n; c++) if (!prefix.includes(c)) perm([...prefix, c]);
  };
  perm([]);
  return det;
}

const square = fc.integer({ min: 1, max: 4 }).chain((n) => fc.array(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: n, maxLength: n }), { minLength: n, maxLength: n }));

describe('exact linear algebra over the rationals', () => {
  test.prop({ A: square })('det by elimination with row swaps equals the Leibniz formula (zeros, singular matrices and swaps included)', ({ A }) => {
    expect(determinant(rows(A))).toEqualFraction(leibniz(A));
  });

  test('row swaps flip the sign; a zero column gives 0; ragged rows are refused', () => {
    expect(determinant(rows([[0, 1], [1, 0]]))).toEqualFraction(-1);
    expect(determinant(rows([[0, 2, 0], [0, 0, 3], [5, 0, 0]]))).toEqualFraction(30);
    expect(determinant(rows([[0, 1], [0, 2]]))).toEqualFraction(0);
    expect(determinant(rows([[1, 2], [2, 4]]))).toEqualFraction(0);
    expect(() => determinant(rows([[1, 2], [3]]))).toThrow('determinant: row 1 has 1 entries, the matrix is 2×2');
  });

  test.prop({ L: square, y: fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 4, maxLength: 4 }) })(
    'forward substitution solves L x = y for lower-triangular L with a non-zero diagonal',
    ({ L, y }) => {
      const n = L.length;
      const lower = L.map((r, i) => r.map((v, j) => (j > i ? 0 : j === i ? (v === 0 ? 1 : v) : v)));
      const x = forwardSubstitute(rows(lower), y.slice(0, n).map((v) => toFraction(v)));
      apply(rows(lower), x).forEach((v, i) => expect(v).toEqualFraction(y[i]!));
    },
  );

  test('forward substitution refuses a zero diagonal and a wrong length', () => {
    expect(() => forwardSubstitute(rows([[1, 0], [2, 0]]), rows([[1, 1]])[0]!)).toThrow('forwardSubstitute: L[1][1] = 0, the system is singular');
    expect(() => forwardSubstitute(rows([[1]]), rows([[1, 2]])[0]!)).toThrow(new InputError('forwardSubstitute: L is 1×1 but y has 2 entries'));
  });

  const rectangular = fc
    .record({ n: fc.integer({ min: 1, max: 4 }), m: fc.integer({ min: 1, max: 4 }), r: fc.integer({ min: 1, max: 3 }) })
    .chain(({ n, m, r }) =>
      fc.record({
        U: fc.array(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: r, maxLength: r }), { minLength: n, maxLength: n }),
        V: fc.array(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: m, maxLength: m }), { minLength: r, maxLength: r }),
        free: fc.array(fc.array(fc.integer({ min: -4, max: 4 }), { minLength: m, maxLength: m }), { minLength: 2, maxLength: 2 }),
        b: fc.array(fc.integer({ min: -4, max: 4 }), { minLength: n, maxLength: n }),
      }),
    );

  test.prop({ p: rectangular })(
    'rank of U·V (n×r times r×m) is at most r and equals the largest non-singular square minor; solveExact solves consistent systems for any free values and returns null exactly when b is outside the column space',
    ({ p }) => {
      const A = p.U.map((u) => p.V[0]!.map((_, j) => u.reduce((s, v, k) => s + v * p.V[k]![j]!, 0))); // (n, m) integer
      const rk = rank(rows(A));
      expect(rk).toBeLessThanOrEqual(p.V.length);
      // the largest k with a k×k minor of non-zero determinant (by Leibniz)
      let largest = 0;
      const choose = (k: number, from: number, upto: number): number[][] =>
        k === 0 ? [[]] : from >= upto ? [] : [...choose(k - 1, from + 1, upto).map((c) => [from, ...c]), ...choose(k, from + 1, upto)];
      for (let k = 1; k <= Math.min(A.length, A[0]!.length); k++) {
        for (const rs of choose(k, 0, A.length)) for (const cs of choose(k, 0, A[0]!.length)) if (leibniz(rs.map((i) => cs.map((j) => A[i]![j]!))) !== 0n) largest = k;
      }
      expect(rk).toBe(largest);
      // consistent: b = A·x₀; any free values give a solution, two of them differ by a null vector
      const x0 = p.free[0]!;
      const b = A.map((r) => r.reduce((s, v, j) => s + v * x0[j]!, 0));
      const sols = p.free.map((f) => solveExact(rows(A), b.map((v) => toFraction(v)), f.map((v) => toFraction(v))));
      for (const x of sols) apply(rows(A), x!).forEach((v, i) => expect(v).toEqualFraction(b[i]!));
      // inconsistent exactly when [A | b] has larger rank
      const bb = p.b.map((v) => toFraction(v));
      const x = solveExact(rows(A), bb);
      const augmentedRank = rank(rows(A.map((r, i) => [...r, p.b[i]!])));
      expect(x === null).toBe(augmentedRank > rk);
      if (x !== null) apply(rows(A), x).forEach((v, i) => expect(v).toEqualFraction(p.b[i]!));
    },
  );

  test('solveExact keeps the given free values; refuses mismatched shapes; rank of nothing is 0', () => {
    const A = rows([[1, 1, 0]]); // x0 + x1 = 2, x2 free
    const x = solveExact(A, rows([[2]])[0]!, rows([[0, 5, 7]])[0]!)!;
    expect(x.map((v) => v.toFraction())).toEqual(['-3', '5', '7']);
    expect(solveExact(rows([[1], [1]]), rows([[1, 2]])[0]!)).toBeNull();
    expect(() => solveExact(rows([[1]]), rows([[1, 2]])[0]!)).toThrow('solveExact: A has 1 rows but b has 2 entries');
    expect(rank([])).toBe(0);
    expect(rank(rows([[0, 0], [0, 0]]))).toBe(0);
  });
});
