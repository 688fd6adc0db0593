import { InputError } from '../errors.js';
import { compressRows, rowOf, toMatrix, type Matrix, type MatrixInput } from '../data/matrix.js';

/** A kernel k(x, x′): Gaussian exp(−γ‖x − x′‖²) or polynomial (⟨x, x′⟩ + c)^p (c = 1 by default). */
export type Kernel = { readonly kind: 'gaussian'; readonly gamma: number } | { readonly kind: 'polynomial'; readonly degree: number; readonly c?: number };

/**
 * The kernel matrix k(z_r, x_i) for all r, i: (m, n), row-major. Uses ‖z − x‖² = ‖z‖² + ‖x‖² − 2⟨z, x⟩,
 * compressed rows of X (derived here) when most of its entries are zero, and only the upper triangle when Z is X.
 *
 * @param Z - (m, d)
 * @param X - (n, d)
 * @param kernel - the kernel
 * @example
 * gram(X, X, { kind: 'gaussian', gamma: 0.02 }); // the (n, n) Gram matrix
 */
export function gram(Z: Matrix, X: Matrix, kernel: Kernel): Float64Array {
  if (kernel.kind === 'gaussian' && !(kernel.gamma > 0)) throw new InputError(`kernel: gamma must be positive, got ${kernel.gamma}`);
  if (kernel.kind === 'polynomial' && !(Number.isInteger(kernel.degree) && kernel.degree >= 1)) {
    throw new InputError(`kernel: degree must be a positive integer, got ${kernel.degree}`);
  }
  if (Z.cols !== X.cols) throw new InputError(`kernel: points have ${Z.cols} and ${X.cols} features; they must match`);
  const m = Z.rows;
  const n = X.rows;
  const symmetric = Z === X;
  const sqZ = rowSquares(Z);
  const sqX = symmetric ? sqZ : rowSquares(X);
  const sp = compressRows(X);
  const out = new Float64Array(m * n);
  for (let r = 0; r < m; r++) {
    const z = rowOf(Z, r);
    for (let i = symmetric ? r : 0; i < n; i++) {
      let dot = 0;
      if (sp) {
        const end = sp.rowPtr[i + 1] as number;
        for (let p = sp.rowPtr[i] as number; p < end; p++) dot += (z[sp.cols[p] as number] as number) * (sp.values[p] as number);
      } else {
        const x = rowOf(X, i);
        for (let j = 0; j < x.length; j++) dot += (z[j] as number) * (x[j] as number);
      }
      const v =
        kernel.kind === 'gaussian'
          ? Math.exp(-kernel.gamma * Math.max((sqZ[r] as number) + (sqX[i] as number) - 2 * dot, 0))
          : (dot + (kernel.c ?? 1)) ** kernel.degree;
      out[r * n + i] = v;
      if (symmetric) out[i * n + r] = v;
    }
  }
  return out;
}

/** The (n, n) Gram matrix of X as a {@link Matrix}. */
export function gramMatrix(X: MatrixInput, kernel: Kernel): Matrix {
  const Xm = toMatrix(X);
  return { rows: Xm.rows, cols: Xm.rows, data: gram(Xm, Xm, kernel) };
}

function rowSquares(X: Matrix): Float64Array {
  return Float64Array.from({ length: X.rows }, (_, i) => rowOf(X, i).reduce((s, v) => s + v * v, 0));
}
