import { InputError } from '../errors.js';
import { rowOf, toLabels, toMatrix, type Matrix, type MatrixInput } from '../data/matrix.js';
import { MlMatrix, solveDense } from '../linalg/dense.js';
import { Rng } from '../random/rng.js';

/**
 * Ridge regression, w = argmin (1/m)Σ(⟨w, x_i⟩ − y_i)² + λ‖w‖², in closed form:
 * (XᵀX/m + λI) w = Xᵀy/m.
 */
export function ridge(X: Matrix, y: Float64Array, lambda: number): Float64Array {
  const { rows: m, cols: d } = X;
  if (!(lambda > 0)) throw new InputError(`ridge: λ must be positive, got ${lambda}`);
  const A = new MlMatrix(d, d); // (d, d)
  const rhs = new Float64Array(d);
  for (let i = 0; i < m; i++) {
    const x = rowOf(X, i);
    for (let j = 0; j < d; j++) {
      rhs[j] = (rhs[j] as number) + ((x[j] as number) * (y[i] as number)) / m;
      for (let k = 0; k < d; k++) A.set(j, k, A.get(j, k) + ((x[j] as number) * (x[k] as number)) / m);
    }
  }
  for (let j = 0; j < d; j++) A.set(j, j, A.get(j, j) + lambda);
  return solveDense(A, rhs);
}

/** What {@link ridgeStability} measured. */
export interface StabilityEstimate {
  /** max over replaced points and test points of |ℓ(A_S, z) − ℓ(A_{S^i}, z)|: a lower bound on β. */
  readonly betaHat: number;
  /**
   * β ≤ σ²κ²/(λm) for one point *replaced*: Bousquet & Elisseeff (2002), Thm 22, bound the change
   * from *removing* a point by σ²κ²/(2λm); a replacement is a removal and an addition, hence twice that.
   */
  readonly betaBound: number;
  readonly replacements: number;
  readonly seed: number;
}

/**
 * Empirical uniform stability of ridge regression under the square loss: retrain with one point
 * replaced by a fresh one (coupled: the same S otherwise) and take the largest loss change over test
 * points — a lower bound on β. Compared with β ≤ σ²κ²/(λm) (Bousquet & Elisseeff 2002, Thm 22, whose
 * σ²κ²/(2λm) is for a removed point; one replaced point is one removal and one addition; derivation in
 * docs/theory.md §4), where σ is the
 * loss's Lipschitz constant in the prediction on the range that occurs (for |y| ≤ Y and ‖x‖ ≤ κ,
 * ridge predicts |f| ≤ κY/√λ, so σ = 2(κY/√λ + Y)). Stability is a property of the algorithm, so it
 * cannot tell true labels from random ones (paper §2.2).
 *
 * @param X - training points (m, d)
 * @param y - labels
 * @param fresh - replacement points and labels to draw from
 * @param test - points z where losses are compared
 * @param options - λ, replacements (default 20), seed, κ (bound on ‖x‖), σ (Lipschitz constant of the loss)
 */
export function ridgeStability(
  X: MatrixInput,
  y: ArrayLike<number>,
  fresh: { X: MatrixInput; y: ArrayLike<number> },
  test: { X: MatrixInput; y: ArrayLike<number> },
  options: { lambda: number; replacements?: number; seed?: number; kappa: number; sigmaLipschitz: number },
): StabilityEstimate {
  const Xm = toMatrix(X);
  const ym = toLabels(y, Xm.rows);
  const F = toMatrix(fresh.X, 'fresh.X');
  const fy = toLabels(fresh.y, F.rows, 'fresh.y');
  const T = toMatrix(test.X, 'test.X');
  const ty = toLabels(test.y, T.rows, 'test.y');
  for (const [name, M] of [['fresh.X', F], ['test.X', T]] as const) {
    if (M.cols !== Xm.cols) throw new InputError(`ridgeStability: ${name} has ${M.cols} features but X has ${Xm.cols}; the points must live in the same space`);
  }
  const seed = options.seed ?? 1;
  const rng = new Rng(seed).fork('stability');
  const w = ridge(Xm, ym, options.lambda);
  const loss = (wv: Float64Array, x: Float64Array, target: number): number => {
    let p = 0;
    for (let j = 0; j < x.length; j++) p += (wv[j] as number) * (x[j] as number);
    return (p - target) ** 2;
  };
  const replacements = options.replacements ?? 20;
  let betaHat = 0;
  for (let r = 0; r < replacements; r++) {
    const i = rng.int(Xm.rows);
    const f = rng.int(F.rows);
    const data = Xm.data.slice();
    data.set(rowOf(F, f), i * Xm.cols);
    const yi = ym.slice();
    yi[i] = fy[f] as number;
    const wi = ridge({ rows: Xm.rows, cols: Xm.cols, data }, yi, options.lambda);
    for (let t = 0; t < T.rows; t++) {
      const z = rowOf(T, t);
      betaHat = Math.max(betaHat, Math.abs(loss(w, z, ty[t] as number) - loss(wi, z, ty[t] as number)));
    }
  }
  const betaBound = (options.sigmaLipschitz ** 2 * options.kappa ** 2) / (options.lambda * Xm.rows);
  return { betaHat, betaBound, replacements, seed };
}
