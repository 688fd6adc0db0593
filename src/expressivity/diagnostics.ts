import type { InterpolatedNetwork } from './interpolate.js';

/** Numerical health of a constructed network (docs/theory.md §1.3). */
export interface Diagnostics {
  /** min_i (z_(i+1) − z_(i)): the smallest projection gap. */
  readonly minGap: number;
  /** minGap / ‖a‖₂: the gap in units of the input space (scale-free). */
  readonly minGapOverNormA: number;
  /** max_j |w_j| over all outputs. */
  readonly maxAbsWeight: number;
  /** min_i (z_(i) − b_i), the smallest diagonal entry of A. */
  readonly minDiagonal: number;
  /**
   * max_j r_j with r_j = (b_j − z_(j−1)) / (z_(j) − b_j): the factor by which the slope recurrence
   * s_j = Δy_j/(z_(j) − b_j) − r_j·s_(j−1) can amplify (< 1 contracts; λ/(1−λ) for uniform λ).
   */
  readonly growthFactor: number;
  /** max_m |S_m|, the steepest slope of the fitted piecewise-linear function (float64 estimate). */
  readonly maxAbsSlope: number;
}

/**
 * Diagnostics of a network built by {@link interpolate}.
 *
 * @example
 * diagnose(interpolate(X, y)).growthFactor; // 1/3 for the default λ = 1/4
 */
export function diagnose(net: InterpolatedNetwork): Diagnostics {
  const { zSorted: zs, b, w, k, n } = net;
  let normA = 0;
  for (let j = 0; j < net.d; j++) normA += (net.a[j] as number) ** 2;
  normA = Math.sqrt(normA);
  let maxAbsWeight = 0;
  for (let t = 0; t < w.length; t++) maxAbsWeight = Math.max(maxAbsWeight, Math.abs(w[t] as number));
  let minDiagonal = Infinity;
  let growthFactor = 0;
  for (let j = 0; j < n; j++) {
    const diag = (zs[j] as number) - (b[j] as number);
    minDiagonal = Math.min(minDiagonal, diag);
    if (j > 0) growthFactor = Math.max(growthFactor, ((b[j] as number) - (zs[j - 1] as number)) / diag);
  }
  let maxAbsSlope = 0;
  const slope = new Float64Array(k);
  for (let j = 0; j < n; j++) {
    for (let c = 0; c < k; c++) {
      slope[c] = (slope[c] as number) + (w[j * k + c] as number);
      maxAbsSlope = Math.max(maxAbsSlope, Math.abs(slope[c] as number));
    }
  }
  return { minGap: net.minGap, minGapOverNormA: net.minGap / normA, maxAbsWeight, minDiagonal, growthFactor, maxAbsSlope };
}
