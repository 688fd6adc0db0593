/**
 * The paper's point about Rademacher complexity (Zhang et al. 2017, §2.2) as one computation: on a
 * sample, the norm-bounded linear class and a Gaussian-kernel ball (both scaled so |h| ≤ 1) against
 * Theorem 1's two-layer ReLU class (clipped to [−1, 1]), each with the generalization gap its
 * Rademacher complexity allows for the 1-Lipschitz ramp loss (contraction: R̂(ℓ∘H) ≤ R̂(H)). The
 * ReLU class fits every sign vector, so its R̂ is 1 and both bounds are vacuous for any training error.
 */
import { rowOf, type Matrix } from '../data/matrix.js';
import { mohriBound, ssbdBound } from './bounds.js';
import { estimateRademacher, estimateRademacherAsync, type RademacherEstimate } from './estimate.js';
import { gaussianGram, linearL2, relu2Layer, rkhsBall, type SupOracle } from './oracles.js';
import type { JobRunner } from './parallel.js';

/** One class of the comparison. */
export interface ComparedClass {
  /** the class and its scale */
  class: string;
  n: number;
  /** Monte Carlo estimate of R̂ (the paper's convention) and its McDiarmid half-width */
  estimate: number;
  halfWidth: number;
  draws: number;
  /** bound − training loss for the ramp loss, R̂ at its upper confidence limit (Mohri et al. 2012, Thm 3.3) */
  mohriGap: number;
  /** likewise, Shalev-Shwartz & Ben-David (2014), Thm 26.5 */
  ssbdGap: number;
  /** both bounds ≥ 1: they say nothing for any training error */
  vacuous: boolean;
}

/** Options of {@link compareClasses}. */
export interface CompareOptions {
  /** Monte Carlo sign vectors per class (default 200; the ReLU class at most 10: each draw builds and certifies a network) */
  draws?: number;
  /** Gaussian kernel width exp(−γ‖x − x′‖²) (default 0.02, for pixels in [0, 1]) */
  gamma?: number;
  /** confidence of the half-widths and bounds (default 0.05) */
  delta?: number;
  seed: number;
}

/**
 * Estimates R̂ of the three classes on the sample X (n, d) and the generalization gap each allows.
 *
 * @example
 * const rows = compareClasses(X, { seed: 1 });
 * rows.map((r) => r.vacuous); // [false, false, true]
 */
export function compareClasses(X: Matrix, options: CompareOptions): ComparedClass[] {
  return classesToCompare(X, options).map(({ name, oracle, draws: m }) => compared(X, options, name, estimateRademacher(oracle, { draws: m, delta: options.delta ?? 0.05, seed: options.seed })));
}

/**
 * {@link compareClasses} with the linear class's signed row sums on a worker pool when the sample is
 * large enough to pay for it: the same rows, bit for bit.
 *
 * @param options - as {@link compareClasses}, and `pool`, which the caller owns and closes (default: one opened on first use and closed before this returns)
 * @example
 * const rows = await compareClassesAsync(X, { seed: 1 });
 */
export async function compareClassesAsync(X: Matrix, options: CompareOptions & { pool?: JobRunner }): Promise<ComparedClass[]> {
  const rows: ComparedClass[] = [];
  for (const { name, oracle, draws: m } of classesToCompare(X, options)) {
    const e = await estimateRademacherAsync(oracle, { draws: m, delta: options.delta ?? 0.05, seed: options.seed, ...(options.pool !== undefined ? { pool: options.pool } : {}) });
    rows.push(compared(X, options, name, e));
  }
  return rows;
}

/** The three classes on X, with their draws. */
function classesToCompare(X: Matrix, options: CompareOptions): { name: string; oracle: SupOracle; draws: number }[] {
  const draws = options.draws ?? 200;
  const gamma = options.gamma ?? 0.02;
  let maxNorm = 0;
  for (let i = 0; i < X.rows; i++) maxNorm = Math.max(maxNorm, Math.sqrt(rowOf(X, i).reduce((s, v) => s + v * v, 0)));
  return [
    { name: `linear-l2, ‖w‖ ≤ 1/max‖x‖ (= ${(1 / maxNorm).toPrecision(3)})`, oracle: linearL2(X, 1 / maxNorm), draws },
    { name: `rkhs-gaussian γ = ${gamma}, ‖f‖ ≤ 1`, oracle: rkhsBall(gaussianGram(X, gamma), 1, 'Gaussian RKHS'), draws },
    { name: 'relu-2layer (Theorem 1, clipped)', oracle: relu2Layer(X, options.seed), draws: Math.min(draws, 10) },
  ];
}

/** A row of the comparison: the estimate and the gaps it allows, at its upper confidence limit. */
function compared(X: Matrix, options: CompareOptions, name: string, e: RademacherEstimate): ComparedClass {
  const delta = options.delta ?? 0.05;
  // A bound needs R̂ from above: a class whose sup is only found from below gives no upper limit.
  if (e.upper === null) throw new Error(`compareClasses: ${name} has no upper confidence limit (its sup is found from below); it cannot bound a gap`);
  const upper = e.upper;
  const mohri = mohriBound(0, upper, X.rows, delta);
  const ssbd = ssbdBound(0, upper, X.rows, delta);
  return { class: name, n: X.rows, estimate: e.estimate, halfWidth: e.halfWidth, draws: e.draws, mohriGap: mohri.gap, ssbdGap: ssbd.gap, vacuous: mohri.vacuous && ssbd.vacuous };
}
