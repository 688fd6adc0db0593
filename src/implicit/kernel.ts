import { freemem } from 'node:os';
import { InputError } from '../errors.js';
import { rowOf, toMatrix, type Matrix, type MatrixInput } from '../data/matrix.js';
import { CholeskyDecomposition, MlMatrix } from '../linalg/dense.js';
import { gram, type Kernel } from '../kernels/gram.js';

export { gram, type Kernel };


/** Options of {@link kernelInterpolate}. */
export interface KernelOptions {
  readonly kernel: Kernel;
  /** `cholesky` (default): one dense factorisation; `cg`: conjugate gradients on each right-hand side. */
  readonly solver?: 'cholesky' | 'cg';
  /** Bytes the solve may use (default: 70% of free memory). */
  readonly memoryBudget?: number;
}

/** A kernel interpolant f(x) = Σ_i α_i k(x_i, x), one column of α per output. */
export interface KernelInterpolant {
  readonly alpha: Float64Array; // (n, k)
  readonly n: number;
  readonly k: number;
  /** ‖f_c‖²_H = y_cᵀ K⁻¹ y_c summed over outputs, and its square root. */
  readonly rkhsNorm: number;
  /** Training error of the argmax (0 when it interpolates). */
  readonly trainError: number;
  /** Bytes planned for the solve. */
  readonly peakBytes: number;
  readonly solveMs: number;
  /** Outputs at new points, (m, k). */
  predict(X: MatrixInput): Float64Array;
}

/** Bytes a kernel solve on n points needs: the Gram matrix plus the solver's working copy. */
export function kernelSolveBytes(n: number, solver: 'cholesky' | 'cg'): number {
  return (solver === 'cholesky' ? 3 : 1) * n * n * 8; // K, ml-matrix's copy and its factor (cholesky)
}

/** The largest n whose solve fits in `budget` bytes. */
export function largestFeasibleN(budget: number, solver: 'cholesky' | 'cg'): number {
  return Math.floor(Math.sqrt(budget / ((solver === 'cholesky' ? 3 : 1) * 8)));
}

/**
 * Minimum-norm kernel "interpolation" (paper §5, Eq. 3): α = K⁻¹Y with no regularization, for
 * one-hot Y (one-vs-rest); f(x) = Σ_i α_i k(x_i, x); ‖f‖²_H = Σ_c y_cᵀ K⁻¹ y_c.
 *
 * The memory it needs is planned before anything is allocated: a solve that would not fit is refused
 * with the largest n that would. A singular K (a linear kernel on n > d points, duplicates) is named,
 * with the remedy.
 *
 * @param X - training points (n, d)
 * @param labels - class indices 0 … k−1
 * @param options - kernel, solver, memory budget
 * @example
 * const f = kernelInterpolate(X, labels, { kernel: { kind: 'gaussian', gamma: 0.02 } });
 * f.trainError; // 0
 */
export function kernelInterpolate(X: MatrixInput, labels: ArrayLike<number>, options: KernelOptions): KernelInterpolant {
  const Xm = toMatrix(X);
  const n = Xm.rows;
  if (labels.length !== n) throw new InputError(`kernel: ${labels.length} labels for ${n} points`);
  const solver = options.solver ?? 'cholesky';
  const budget = options.memoryBudget ?? 0.7 * freemem();
  const peakBytes = kernelSolveBytes(n, solver);
  if (peakBytes > budget) {
    throw new InputError(
      `kernel: n = ${n} needs ${bytesText(peakBytes)} for the ${solver} solve but ${bytesText(budget)} are available; the largest n that fits is ${largestFeasibleN(budget, solver)}`,
    );
  }
  let k = 0;
  for (let i = 0; i < n; i++) {
    const c = labels[i] as number;
    if (!Number.isInteger(c) || c < 0) throw new InputError(`kernel: labels[${i}] = ${c} is not a class index`);
    k = Math.max(k, c + 1);
  }
  const t0 = performance.now();
  const K = gram(Xm, Xm, options.kernel); // (n, n)
  const Y = new Float64Array(n * k); // (n, k) one-hot
  for (let i = 0; i < n; i++) Y[i * k + (labels[i] as number)] = 1;
  const alpha = solver === 'cholesky' ? solveCholesky(K, n, Y, k) : solveCg(K, n, Y, k);
  const solveMs = performance.now() - t0;
  let norm2 = 0;
  for (let t = 0; t < n * k; t++) norm2 += (Y[t] as number) * (alpha[t] as number); // Σ_c y_cᵀ α_c = Σ_c y_cᵀ K⁻¹ y_c
  const predict = (Z: MatrixInput): Float64Array => {
    const Zm = toMatrix(Z, 'X');
    const Kz = gram(Zm, Xm, options.kernel); // (m, n)
    const out = new Float64Array(Zm.rows * k);
    for (let r = 0; r < Zm.rows; r++) {
      for (let i = 0; i < n; i++) {
        const kv = Kz[r * n + i] as number;
        if (kv === 0) continue;
        for (let c = 0; c < k; c++) out[r * k + c] = (out[r * k + c] as number) + kv * (alpha[i * k + c] as number);
      }
    }
    return out;
  };
  // Training error from K α (no second Gram matrix).
  let wrong = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestV = -Infinity;
    for (let c = 0; c < k; c++) {
      let v = 0;
      for (let j = 0; j < n; j++) v += (K[i * n + j] as number) * (alpha[j * k + c] as number);
      if (v > bestV) {
        bestV = v;
        best = c;
      }
    }
    if (best !== labels[i]) wrong++;
  }
  return { alpha, n, k, rkhsNorm: Math.sqrt(Math.max(norm2, 0)), trainError: wrong / n, peakBytes, solveMs, predict };
}

function singular(detail: string): InputError {
  return new InputError(
    `kernel: the kernel matrix is singular (${detail}), so no unique interpolant exists — use a nonlinear kernel (e.g. gaussian), fewer points, or remove duplicate points`,
  );
}

function solveCholesky(K: Float64Array, n: number, Y: Float64Array, k: number): Float64Array {
  const A = new MlMatrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A.set(i, j, K[i * n + j] as number);
  const chol = new CholeskyDecomposition(A);
  if (!chol.isPositiveDefinite()) throw singular('not positive definite in float64');
  const B = new MlMatrix(n, k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) B.set(i, c, Y[i * k + c] as number);
  const X = chol.solve(B);
  const alpha = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) alpha[i * k + c] = X.get(i, c);
  return alpha;
}

/** Conjugate gradients on K α_c = y_c, to a relative residual of 1e−10 (at most 10·n iterations). */
function solveCg(K: Float64Array, n: number, Y: Float64Array, k: number): Float64Array {
  const alpha = new Float64Array(n * k);
  const Kv = (v: Float64Array, out: Float64Array) => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += (K[i * n + j] as number) * (v[j] as number);
      out[i] = s;
    }
  };
  const dotv = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * (b[i] as number), 0);
  for (let c = 0; c < k; c++) {
    const x = new Float64Array(n);
    const r = Float64Array.from({ length: n }, (_, i) => Y[i * k + c] as number);
    const p = r.slice();
    const Ap = new Float64Array(n);
    const bNorm = Math.sqrt(dotv(r, r)) || 1;
    let rr = dotv(r, r);
    for (let it = 0; it < 10 * n && Math.sqrt(rr) > 1e-10 * bNorm; it++) {
      Kv(p, Ap);
      const pAp = dotv(p, Ap);
      if (!(pAp > 0)) throw singular(`pᵀKp = ${pAp} at iteration ${it}`);
      const a = rr / pAp;
      for (let i = 0; i < n; i++) {
        x[i] = (x[i] as number) + a * (p[i] as number);
        r[i] = (r[i] as number) - a * (Ap[i] as number);
      }
      const rrNew = dotv(r, r);
      for (let i = 0; i < n; i++) p[i] = (r[i] as number) + (rrNew / rr) * (p[i] as number);
      rr = rrNew;
    }
    if (Math.sqrt(rr) > 1e-6 * bNorm) throw singular(`CG stalled at relative residual ${(Math.sqrt(rr) / bNorm).toExponential(2)}`);
    for (let i = 0; i < n; i++) alpha[i * k + c] = x[i] as number;
  }
  return alpha;
}

/** A byte count for messages: MiB below a tenth of a GiB (so that small budgets do not all read 0.0 GiB), else GiB. */
export function bytesText(b: number): string {
  return b < 2 ** 30 / 10 ? `${(b / 2 ** 20).toFixed(1)} MiB` : `${(b / 2 ** 30).toFixed(2)} GiB`;
}
