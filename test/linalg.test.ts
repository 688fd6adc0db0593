import { describe, expect, test } from 'vitest';
import { MlMatrix, mmul, solveDense } from '../src/linalg/dense.js';
import { solveLowerTriangular } from '../bench/reference.js'; // the bench's dense reference

describe('shape-checked ml-matrix wrappers', () => {
  test('mmul refuses the mismatched product that ml-matrix itself silently returns', () => {
    const A = new MlMatrix([[1, 2], [3, 4], [5, 6]]); // (3, 2)
    expect(A.mmul(A).rows).toBe(3); // ml-matrix: no error
    expect(() => mmul(A, A)).toThrow('mmul: inner shapes (2) and (3) of matrices with shapes (3, 2) and (3, 2) must match');
    expect(mmul(A, A.transpose()).to2DArray()[0]).toEqual([5, 11, 17]);
  });
  test('solves agree with the system', () => {
    const L = new MlMatrix([[2, 0, 0], [1, 3, 0], [-1, 4, 5]]);
    const b = [2, 7, 17]; // L·(1, 2, 2)
    expect(Array.from(solveLowerTriangular(L, b))).toEqual([1, 2, 2]);
    const x = solveDense(L, b);
    [1, 2, 2].forEach((v, i) => expect(x[i]).toBeCloseTo(v, 12));
    expect(() => solveDense(new MlMatrix(2, 3), [1, 2])).toThrow(/must be square/);
    expect(() => solveLowerTriangular(L, [1])).toThrow(/b has 1 entries/);
  });
});
