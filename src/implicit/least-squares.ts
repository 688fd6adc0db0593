import { InputError } from '../errors.js';
import { rowOf, toLabels, toMatrix, type Matrix, type MatrixInput } from '../data/matrix.js';
import { CholeskyDecomposition, MlMatrix, mmul, pseudoInverse } from '../linalg/dense.js';
import { Rng } from '../random/rng.js';

/** Options of {@link sgdLeastSquares}. */
export interface SgdOptions {
  /** Starting point w₀ (default 0). */
  readonly w0?: ArrayLike<number>;
  /** Step size η (default 1/max_i‖x_i‖², which keeps every step a contraction). */
  readonly lr?: number;
  /** Passes over the data (default 500). */
  readonly epochs?: number;
  /** Stop once ‖Xw − y‖ ≤ tol·‖y‖ (default 1e−12). */
  readonly tol?: number;
  /** Seed of the per-epoch order. */
  readonly seed?: number;
}

/** What {@link sgdLeastSquares} returns. */
export interface SgdResult {
  readonly w: Float64Array; // (d)
  /** w = w₀ + Xᵀα: the coordinates of w − w₀ in the row span, tracked step by step. */
  readonly alpha: Float64Array; // (n)
  readonly steps: number;
  readonly epochs: number;
  /** ‖Xw − y‖ at the end. */
  readonly residual: number;
  /** Seed of the example order (null for full-batch GD, which has none). */
  readonly seed: number | null;
}

/**
 * SGD on L(w) = (1/2n)·‖Xw − y‖² with one example per step (paper §5): w ← w − η·(⟨x_i, w⟩ − y_i)·x_i.
 * Each step adds a multiple of a row of X, so w_t − w₀ = Xᵀα_t stays in the row span; α is
 * tracked alongside. From w₀ = 0, if SGD interpolates, XXᵀα = y and w = X⁺y, the minimum-norm
 * interpolant; from w₀ ≠ 0 the limit is X⁺y + (I − P_row)·w₀.
 *
 * @param X - (n, d)
 * @param y - (n)
 * @param options - w₀, η, epochs, tolerance, seed
 * @example
 * const { w } = sgdLeastSquares(X, y, { seed: 1 });
 * // ‖w − minNormSolution(X, y)‖ ≈ 0 when n ≤ d
 */
export function sgdLeastSquares(X: MatrixInput, y: ArrayLike<number>, options: SgdOptions = {}): SgdResult {
  const { Xm, yv, w, n, d } = problem(X, y, options.w0, 'sgd');
  let maxSq = 0;
  for (let i = 0; i < n; i++) maxSq = Math.max(maxSq, dot(rowOf(Xm, i), rowOf(Xm, i)));
  if (maxSq === 0) throw new InputError('sgd: every row of X is zero');
  const lr = options.lr ?? 1 / maxSq;
  if (!(lr > 0 && lr < 2 / maxSq)) {
    throw new InputError(`sgd: step size ${lr} must lie in (0, 2/max‖x‖²) = (0, ${2 / maxSq}) for the steps to contract`);
  }
  const epochs = options.epochs ?? 500;
  const tol = options.tol ?? 1e-12;
  const seed = options.seed ?? 1;
  const rng = new Rng(seed).fork('sgd-order');
  const alpha = new Float64Array(n);
  const yNorm = Math.sqrt(dot(yv, yv)) || 1;
  const order = Array.from({ length: n }, (_, i) => i);
  let steps = 0;
  let epoch = 0;
  let residual = residualNorm(Xm, w, yv);
  while (epoch < epochs && residual > tol * yNorm) {
    rng.shuffle(order);
    for (const i of order) {
      const x = rowOf(Xm, i);
      const step = lr * (dot(x, w) - (yv[i] as number));
      for (let j = 0; j < d; j++) w[j] = (w[j] as number) - step * (x[j] as number);
      alpha[i] = (alpha[i] as number) - step;
      steps++;
    }
    epoch++;
    residual = residualNorm(Xm, w, yv);
  }
  return { w, alpha, steps, epochs: epoch, residual, seed };
}

/**
 * Full-batch gradient descent on L(w) = (1/2n)·‖Xw − y‖²: w ← w − (η/n)·Xᵀ(Xw − y). The update is
 * again in the row span, so the same limits hold as for {@link sgdLeastSquares}; α is tracked.
 *
 * @param X - (n, d)
 * @param y - (n)
 * @param options - w₀, η (default n/‖X‖_F², which keeps every step a contraction since
 *   λ_max(XᵀX/n) ≤ ‖X‖_F²/n), `epochs` = maximum steps (default 20000), tolerance
 */
export function gdLeastSquares(X: MatrixInput, y: ArrayLike<number>, options: Omit<SgdOptions, 'seed'> = {}): SgdResult {
  const { Xm, yv, w, n, d } = problem(X, y, options.w0, 'gd');
  let frob = 0;
  for (let t = 0; t < Xm.data.length; t++) frob += (Xm.data[t] as number) ** 2;
  if (frob === 0) throw new InputError('gd: X is zero');
  const lr = options.lr ?? n / frob;
  if (!(lr > 0)) throw new InputError(`gd: step size ${lr} must be positive`);
  const steps = options.epochs ?? 20000;
  const tol = options.tol ?? 1e-12;
  const alpha = new Float64Array(n);
  const r = new Float64Array(n);
  const yNorm = Math.sqrt(dot(yv, yv)) || 1;
  let t = 0;
  let residual = residualNorm(Xm, w, yv);
  while (t < steps && residual > tol * yNorm) {
    for (let i = 0; i < n; i++) r[i] = dot(rowOf(Xm, i), w) - (yv[i] as number);
    for (let i = 0; i < n; i++) {
      const c = (lr / n) * (r[i] as number);
      alpha[i] = (alpha[i] as number) - c;
      const x = rowOf(Xm, i);
      for (let j = 0; j < d; j++) w[j] = (w[j] as number) - c * (x[j] as number);
    }
    t++;
    residual = residualNorm(Xm, w, yv);
    if (!Number.isFinite(residual)) {
      throw new InputError(`gd: diverged at step ${t} with step size ${lr}; use η < 2/λ_max(XᵀX/n) (the default n/‖X‖_F² = ${n / frob} is safe)`);
    }
  }
  return { w, alpha, steps: t, epochs: t, residual, seed: null };
}

/**
 * The minimum-ℓ2-norm least-squares solution X⁺y. For full row rank (rank X = n ≤ d) it is
 * Xᵀ(XXᵀ)⁻¹y, through a Cholesky factorisation of the n×n Gram matrix; otherwise the SVD
 * pseudo-inverse.
 *
 * @param X - (n, d)
 * @param y - (n)
 */
export function minNormSolution(X: MatrixInput, y: ArrayLike<number>): Float64Array {
  const Xm = toMatrix(X);
  const yv = toLabels(y, Xm.rows);
  const A = toMl(Xm); // (n, d)
  const G = mmul(A, A.transpose()); // (n, n)
  const chol = new CholeskyDecomposition(G);
  if (Xm.rows <= Xm.cols && chol.isPositiveDefinite()) {
    const alpha = chol.solve(MlMatrix.columnVector(Array.from(yv))); // (n, 1)
    return Float64Array.from(mmul(A.transpose(), alpha).getColumn(0));
  }
  const pinv = pseudoInverse(A); // (d, n)
  return Float64Array.from(mmul(pinv, MlMatrix.columnVector(Array.from(yv))).getColumn(0));
}

/** The limit of SGD from w₀: X⁺y + (I − P_row)w₀ = w₀ + X⁺(y − Xw₀). */
export function sgdLimit(X: MatrixInput, y: ArrayLike<number>, w0: ArrayLike<number>): Float64Array {
  const Xm = toMatrix(X);
  const yv = toLabels(y, Xm.rows);
  const r = Float64Array.from(yv, (v, i) => v - dot(rowOf(Xm, i), w0));
  const correction = minNormSolution(Xm, r);
  return Float64Array.from(correction, (c, j) => c + (w0[j] as number));
}

/** Validated (X, y) and the starting point w₀ (a fresh copy; 0 by default). */
function problem(X: MatrixInput, y: ArrayLike<number>, w0: ArrayLike<number> | undefined, name: string) {
  const Xm = toMatrix(X);
  const { rows: n, cols: d } = Xm;
  const yv = toLabels(y, n);
  const w = w0 ? Float64Array.from(w0) : new Float64Array(d); // (d)
  if (w.length !== d) throw new InputError(`${name}: w0 has ${w.length} entries but the data have d = ${d} features`);
  return { Xm, yv, w, n, d };
}

/** ‖Xw − y‖₂. */
export function residualNorm(X: Matrix, w: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < X.rows; i++) s += (dot(rowOf(X, i), w) - (y[i] as number)) ** 2;
  return Math.sqrt(s);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j] as number) * (b[j] as number);
  return s;
}

function toMl(X: Matrix): MlMatrix {
  return new MlMatrix(Array.from({ length: X.rows }, (_, i) => Array.from(rowOf(X, i))));
}

