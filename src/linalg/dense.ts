import { CholeskyDecomposition, Matrix as MlMatrix, pseudoInverse as mlPseudoInverse, solve as mlSolve } from 'ml-matrix';
import { InputError } from '../errors.js';

/**
 * Shape-checked wrappers over ml-matrix. ml-matrix's own `mmul` does not check inner dimensions
 * (a 3×2 times a 3×2 silently returns a 3×2), so every product and solve goes through here.
 */

/** A · B for A (m, k) and B (k, n); refuses mismatched inner shapes. */
export function mmul(A: MlMatrix, B: MlMatrix): MlMatrix {
  if (A.columns !== B.rows) {
    throw new InputError(`mmul: inner shapes (${A.columns}) and (${B.rows}) of matrices with shapes (${A.rows}, ${A.columns}) and (${B.rows}, ${B.columns}) must match`);
  }
  return A.mmul(B);
}

/** x with A x = b for square A (n, n) and b (n), by LU decomposition (O(n³)). */
export function solveDense(A: MlMatrix, b: ArrayLike<number>): Float64Array {
  if (!A.isSquare()) throw new InputError(`solveDense: A has shape (${A.rows}, ${A.columns}); it must be square`);
  if (b.length !== A.rows) throw new InputError(`solveDense: A is (${A.rows}, ${A.columns}) but b has ${b.length} entries`);
  const x = mlSolve(A, MlMatrix.columnVector(Array.from(b)));
  return Float64Array.from(x.getColumn(0));
}

/** x with L x = b for lower-triangular L (n, n), by forward substitution (O(n²)). */
export function solveLowerTriangular(L: MlMatrix, b: ArrayLike<number>): Float64Array {
  const n = L.rows;
  if (L.columns !== n) throw new InputError(`solveLowerTriangular: L has shape (${L.rows}, ${L.columns}); it must be square`);
  if (b.length !== n) throw new InputError(`solveLowerTriangular: L is (${n}, ${n}) but b has ${b.length} entries`);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = b[i] as number;
    for (let j = 0; j < i; j++) acc -= L.get(i, j) * (x[j] as number);
    const diag = L.get(i, i);
    if (diag === 0) throw new InputError(`solveLowerTriangular: L[${i}][${i}] = 0, the system is singular`);
    x[i] = acc / diag;
  }
  return x;
}

/**
 * The Moore–Penrose pseudo-inverse A⁺ (d, n) of A (n, d), by SVD. A wide A (n < d) is handled as
 * (Aᵀ)⁺ᵀ, which is the same matrix: ml-matrix's SVD wants at least as many rows as columns (and says
 * so on the console otherwise).
 */
export function pseudoInverse(A: MlMatrix): MlMatrix {
  return A.rows < A.columns ? mlPseudoInverse(A.transpose()).transpose() : mlPseudoInverse(A);
}

export { MlMatrix, CholeskyDecomposition };
