/**
 * The float64 symmetric eigensolver (Householder + QL, column-major) and the small dense factors of
 * the Nyström preconditioner: A = V Λ Vᵀ with V orthonormal and Λ descending, against ml-matrix;
 * L Lᵀ = A + νI; L⁻¹ L = I.
 */
import { fc, test } from '@fast-check/vitest';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect } from 'vitest';
import { symmetricEigen } from '../../src/linalg/symmetric-eigen.js';
import { choleskyLower, invertLower } from '../../src/implicit/nystrom.js';

/** A random symmetric (n, n) row-major matrix with entries in [−1, 1] (subnormal ones set to 0: see symmetricEigen). */
const symmetric = fc.integer({ min: 1, max: 12 }).chain((n) =>
  fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: n * n, maxLength: n * n }).map((v) => {
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) A[i * n + j] = A[j * n + i] = Math.abs(v[i * n + j]!) < 1e-300 ? 0 : v[i * n + j]!;
    return { n, A };
  }),
);

describe('symmetricEigen', () => {
  test.prop([symmetric])('A v_i = λ_i v_i, V orthonormal, λ descending and equal to ml-matrix\'s', ({ n, A }) => {
    const { values, vectors } = symmetricEigen(A, n);
    for (let i = 1; i < n; i++) expect(values[i]!).toBeLessThanOrEqual(values[i - 1]!);
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < n; r++) {
        let s = 0;
        for (let c = 0; c < n; c++) s += A[r * n + c]! * vectors[i * n + c]!;
        expect(Math.abs(s - values[i]! * vectors[i * n + r]!)).toBeLessThan(1e-12 * n);
      }
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let r = 0; r < n; r++) s += vectors[i * n + r]! * vectors[j * n + r]!;
        expect(Math.abs(s - (i === j ? 1 : 0))).toBeLessThan(1e-12 * n);
      }
    }
    const ref = new EigenvalueDecomposition(new Matrix(Array.from({ length: n }, (_, r) => Array.from(A.subarray(r * n, (r + 1) * n)))), { assumeSymmetric: true });
    const sorted = [...ref.realEigenvalues].sort((a, b) => b - a);
    sorted.forEach((v, i) => expect(values[i]!).toBeCloseTo(v, 10));
  });

  test('refuses a shape mismatch and non-finite entries', () => {
    expect(() => symmetricEigen(new Float64Array(5), 2)).toThrow(/A has 5 entries, expected n² = 2² = 4/);
    expect(() => symmetricEigen(Float64Array.of(1, NaN, NaN, 1), 2)).toThrow(/A\[0\]\[1\] is NaN/);
  });
});

describe('the preconditioner\'s dense factors', () => {
  test.prop([symmetric])('L Lᵀ = A + νI for a shifted positive-definite A, and L⁻¹ L = I', ({ n, A }) => {
    const G = new Float64Array(n * n); // AᵀA + I: positive definite
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = i === j ? 1 : 0;
      for (let t = 0; t < n; t++) s += A[t * n + i]! * A[t * n + j]!;
      G[i * n + j] = s;
    }
    const L = choleskyLower(G, n, 0.5)!;
    const Linv = invertLower(L, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let llt = 0;
        let id = 0;
        for (let t = 0; t < n; t++) {
          llt += L[i * n + t]! * L[j * n + t]!;
          id += Linv[i * n + t]! * L[t * n + j]!;
        }
        expect(llt).toBeCloseTo(G[i * n + j]! + (i === j ? 0.5 : 0), 10);
        expect(id).toBeCloseTo(i === j ? 1 : 0, 10);
        if (j > i) expect(L[i * n + j]).toBe(0);
      }
    }
    expect(choleskyLower(Float64Array.of(1, 2, 2, 1), 2, 0)).toBeNull(); // indefinite
  });
});
