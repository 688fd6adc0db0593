import { interpolateExact } from './exact.js';
import { ZERO, toFraction, type ExactInput, type Fraction } from '../exact/fraction.js';

/**
 * The paper's remark after Lemma 1 suggests that the smallest diagonal entry controls the weights:
 * ‖w‖₂ ≤ ‖y‖₂ / min_i (z_(i) − b_i) (Zhang et al. 2017, after Lemma 1). It is FALSE (docs/theory.md §1.4): the smallest singular value of A can
 * be exponentially smaller than its smallest diagonal entry. Kept as a known-false conjecture whose
 * counterexample the property search finds and shrinks (proofs/weight-bound.proof.ts).
 *
 * Decided exactly (squares compared in rational arithmetic, no square roots).
 *
 * @param X - distinct points
 * @param y - labels
 * @returns whether the bound holds for the exact Theorem 1 network on (X, y)
 * @example
 * weightBoundHolds([[0], [1]], [1, 0]); // false: ‖w‖² = 73/9 > ‖y‖²/min² = 16/9
 */
export function weightBoundHolds(X: readonly (readonly ExactInput[])[], y: readonly ExactInput[]): boolean {
  return weightBoundRatio(X, y).compare(1) <= 0;
}

/**
 * How far the weight bound is from failing, exactly: ‖w‖²·m² / ‖y‖² with m = min_i (z_(i) − b_i),
 * the squared ratio of the two sides of ‖w‖ ≤ ‖y‖ / m (0 when y = 0, since then w = 0). The bound
 * holds iff the ratio is ≤ 1 ({@link weightBoundHolds}).
 *
 * @param X - distinct points
 * @param y - labels
 * @example
 * weightBoundRatio([[0], [1]], [1, 0]).toFraction(); // '73/16'
 */
export function weightBoundRatio(X: readonly (readonly ExactInput[])[], y: readonly ExactInput[]): Fraction {
  const net = interpolateExact(X, y);
  let minDiagonal = net.zSorted[0]!.sub(net.b[0]!);
  net.zSorted.forEach((z, i) => {
    const diag = z.sub(net.b[i]!);
    if (diag.compare(minDiagonal) < 0) minDiagonal = diag;
  });
  const wNorm2 = net.w.reduce((s, wi) => s.add(wi.mul(wi)), ZERO);
  const yNorm2 = net.order.reduce((s, row) => {
    const yi = toFraction(y[row]!);
    return s.add(yi.mul(yi));
  }, ZERO);
  // ‖w‖ ≤ ‖y‖ / m  ⇔  ‖w‖²·m² ≤ ‖y‖²
  if (yNorm2.equals(ZERO)) return ZERO;
  return wNorm2.mul(minDiagonal).mul(minDiagonal).div(yNorm2);
}
