import { InputError } from '../errors.js';
import { rowOf, toMatrix, type Matrix, type MatrixInput } from '../data/matrix.js';

/**
 * Upper and lower bounds on empirical Rademacher complexity (paper's Eq. 1 convention) and the
 * generalization bounds built on it, with the constants as in the cited sources.
 */

function checkN(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new InputError(`n must be a positive integer, got ${n}`);
}
/** Refuses δ ∉ (0, 1) with the value quoted. */
export function checkDelta(delta: number): void {
  if (!(delta > 0 && delta < 1)) throw new InputError(`delta must lie strictly between 0 and 1, got ${delta}`);
}

/**
 * Massart's finite-class lemma (Shalev-Shwartz & Ben-David, *Understanding Machine Learning*,
 * Lemma 26.8): for A = {(h(x_1), …, h(x_n)) : h ∈ H} with N elements and mean ā,
 * R̂ ≤ max_a ‖a − ā‖₂ · √(2 ln N) / n.
 *
 * @param predictions - (N, n), one row per hypothesis
 */
export function massartBound(predictions: MatrixInput): number {
  const P = toMatrix(predictions, 'predictions');
  const { rows: N, cols: n } = P;
  const mean = new Float64Array(n);
  for (let k = 0; k < N; k++) for (let i = 0; i < n; i++) mean[i] = (mean[i] as number) + (P.data[k * n + i] as number) / N;
  let maxNorm = 0;
  for (let k = 0; k < N; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += ((P.data[k * n + i] as number) - (mean[i] as number)) ** 2;
    maxNorm = Math.max(maxNorm, Math.sqrt(s));
  }
  return N === 1 ? 0 : (maxNorm * Math.sqrt(2 * Math.log(N))) / n;
}

/** tr K = Σ‖x_i‖² for the linear kernel. */
export function linearTrace(X: Matrix): number {
  let t = 0;
  for (let i = 0; i < X.data.length; i++) t += (X.data[i] as number) ** 2;
  return t;
}

/**
 * The linear / RKHS ball of radius B (Bartlett & Mendelson 2002, Lemma 22; SSBD Lemma 26.10):
 * upper (B/n)·√(tr K) ≤ B·max‖x‖/√n (Jensen), lower (B/n)·√(tr K / 2) (Khintchine–Kahane with
 * Szarek's constant 1/√2).
 *
 * @param traceK - tr K (Σ‖x_i‖² for the linear kernel)
 * @param n - sample size
 * @param B - radius
 */
export function kernelBallBounds(traceK: number, n: number, B: number): { upper: number; lower: number } {
  checkN(n);
  if (!(B > 0)) throw new InputError(`B must be positive, got ${B}`);
  return { upper: (B / n) * Math.sqrt(traceK), lower: (B / n) * Math.sqrt(traceK / 2) };
}

/** B·max‖x‖₂/√n, the looser form of the linear upper bound. */
export function linearMaxNormBound(X: MatrixInput, B: number): number {
  const Xm = toMatrix(X);
  let maxNorm = 0;
  for (let i = 0; i < Xm.rows; i++) {
    const r = rowOf(Xm, i);
    let s = 0;
    for (let j = 0; j < r.length; j++) s += (r[j] as number) ** 2;
    maxNorm = Math.max(maxNorm, Math.sqrt(s));
  }
  return (B * maxNorm) / Math.sqrt(Xm.rows);
}

/**
 * ℓ1-bounded linear class (SSBD Lemma 26.11): R̂ ≤ B·max_i‖x_i‖_∞·√(2 ln(2d)/n).
 */
export function l1Bound(X: MatrixInput, B: number): number {
  const Xm = toMatrix(X);
  let maxAbs = 0;
  for (let t = 0; t < Xm.data.length; t++) maxAbs = Math.max(maxAbs, Math.abs(Xm.data[t] as number));
  return B * maxAbs * Math.sqrt((2 * Math.log(2 * Xm.cols)) / Xm.rows);
}

/**
 * Sauer–Shelah: the growth function of a class of VC dimension v satisfies
 * Π_H(n) ≤ Σ_{i≤v} C(n, i) ≤ (e n / v)^v (the second for n ≥ v). Returned as natural logarithms.
 */
export function sauerShelah(n: number, vc: number): { lnSum: number; lnPower: number | null } {
  checkN(n);
  if (!Number.isInteger(vc) || vc < 0) throw new InputError(`VC dimension must be a non-negative integer, got ${vc}`);
  let sum = 0;
  let lnC = 0; // ln C(n, 0)
  const terms: number[] = [];
  for (let i = 0; i <= Math.min(vc, n); i++) {
    if (i > 0) lnC += Math.log(n - i + 1) - Math.log(i);
    terms.push(lnC);
  }
  const maxTerm = Math.max(...terms);
  for (const t of terms) sum += Math.exp(t - maxTerm);
  return { lnSum: maxTerm + Math.log(sum), lnPower: vc === 0 || n < vc ? null : vc * (1 + Math.log(n / vc)) };
}

/** For ±1 classes, Massart with ‖a‖ = √n and N = Π_H(n): R̂ ≤ √(2 ln Π_H(n) / n). */
export function vcRademacherBound(n: number, vc: number): number {
  return Math.sqrt((2 * sauerShelah(n, vc).lnSum) / n);
}

/** A generalization bound's value and whether it says anything. */
export interface GeneralizationBound {
  /** The source and its constants. */
  readonly theorem: string;
  /** Bound on the expected loss. */
  readonly value: number;
  /** Bound − training loss: what the complexity and confidence terms add. */
  readonly gap: number;
  /** True when the bound is at least the loss's maximum: it rules nothing out. */
  readonly vacuous: boolean;
}

/**
 * Shalev-Shwartz & Ben-David, Thm 26.5: for a loss with |ℓ| ≤ c, with probability ≥ 1 − δ,
 * L_D(h) ≤ L_S(h) + 2·R̂(ℓ∘H∘S) + 4c·√(2 ln(4/δ)/m) for all h ∈ H.
 *
 * @param trainLoss - L_S(h)
 * @param rademacher - R̂ of the loss class on the sample
 * @param m - sample size
 * @param delta - confidence
 * @param c - loss bound (default 1)
 */
export function ssbdBound(trainLoss: number, rademacher: number, m: number, delta: number, c = 1): GeneralizationBound {
  checkN(m);
  checkDelta(delta);
  const gap = 2 * rademacher + 4 * c * Math.sqrt((2 * Math.log(4 / delta)) / m);
  return { theorem: 'SSBD Thm 26.5: L_S + 2R̂ + 4c√(2 ln(4/δ)/m)', value: trainLoss + gap, gap, vacuous: trainLoss + gap >= c };
}

/**
 * Mohri, Rostamizadeh & Talwalkar, *Foundations of Machine Learning*, Thm 3.3 (empirical form), for
 * losses in [0, 1]: with probability ≥ 1 − δ, E g ≤ Ê g + 2·R̂_S(G) + 3·√(ln(2/δ)/(2m)).
 */
export function mohriBound(trainLoss: number, rademacher: number, m: number, delta: number): GeneralizationBound {
  checkN(m);
  checkDelta(delta);
  const gap = 2 * rademacher + 3 * Math.sqrt(Math.log(2 / delta) / (2 * m));
  return { theorem: 'Mohri et al. Thm 3.3: Ê + 2R̂_S + 3√(ln(2/δ)/(2m))', value: trainLoss + gap, gap, vacuous: trainLoss + gap >= 1 };
}
