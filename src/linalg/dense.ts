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

/**
 * The Moore–Penrose pseudo-inverse A⁺ (d, n) of A (n, d), by SVD. A wide A (n < d) is handled as
 * (Aᵀ)⁺ᵀ, which is the same matrix: ml-matrix's SVD wants at least as many rows as columns (and says
 * so on the console otherwise).
 */
export function pseudoInverse(A: MlMatrix): MlMatrix {
  return A.rows < A.columns ? mlPseudoInverse(A.transpose()).transpose() : mlPseudoInverse(A);
}

export { MlMatrix, CholeskyDecomposition };
