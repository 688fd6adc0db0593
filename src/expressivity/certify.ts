import { InputError } from '../errors.js';
import { toLabels, toMatrix, type MatrixInput } from '../data/matrix.js';
import { Dyadic } from '../numeric/dyadic.js';
import { gamma, nextDown, nextUp } from '../numeric/float.js';
import { projectDetailed } from './direction.js';
import type { ReluNetworkParameters } from './network.js';

/** What {@link certify} proves about a network on its training points. */
export interface Certificate {
  /** A rigorous upper bound on max_i max_c |c(x_i)_c − target_ic| over all rows and outputs. */
  readonly maxResidual: number;
  /** Per row: a rigorous upper bound on that row's largest output residual. */
  readonly residualBounds: Float64Array; // (rows)
  /**
   * Fraction of rows whose label is provably recovered: |c(x_i) − y_i| < ½ for integer labels
   * (k = 1), or a positive argmax margin for one-hot outputs. `null` for non-integer scalar labels.
   */
  readonly labelsRecovered: number | null;
  /** Per row: 1 when its label is provably recovered. */
  readonly recovered: Uint8Array; // (rows)
  /** Rows whose projection ⟨a, x_i⟩ was exact in float64 (no projection error term needed). */
  readonly exactProjections: number;
  /** How the bound was obtained. */
  readonly method: string;
}

/**
 * A proof, not a claim: a rigorous upper bound on the residuals |c(x_i) − y_i| of a two-layer ReLU
 * network c(x) = Σ_j w_j·max(⟨a, x⟩ − b_j, 0) at the training points, for the network *as stored*
 * (its float64 parameters taken as exact rationals).
 *
 * Method (exact dyadic arithmetic plus a proven projection bound; the derivation, with why the
 * exactness test below is sound, is in docs/theory.md §2):
 * 1. The prefix sums S_m = Σ_{j≤m} w_j and T_m = Σ_{j≤m} w_j·b_j are computed exactly, as dyadic
 *    rationals m·2^e with BigInt mantissas (every float64 is one; sums and products stay dyadic).
 * 2. For each point, ẑ = fl(⟨a, x⟩) is computed left to right. When x is integral and a lies on a
 *    grid 2^−s with Σ_j |a_j x_j|·2^s ≤ 2^52, every partial sum is exactly representable, so ẑ is
 *    exact (the default for MNIST pixels). Otherwise |ẑ − z| ≤ e := γ_(d+1)·Σ_j|a_j x_j|·(1 + 4γ_(d+1))
 *    + d·2^−1074 (Higham, *Accuracy and Stability of Numerical Algorithms*, §2.1 and §3.1: γ_d for the
 *    dot product, one more rounding and the factor for computing the bound itself in floating point;
 *    the last term covers products that underflow), computed with upward rounding.
 * 3. With m = #{b_j < ẑ}, c(ẑ) = ẑ·S_m − T_m exactly, so r = ẑ·S_m − T_m − y is exact. Since c is
 *    piecewise linear in z with slope S_m on [b_m, b_(m+1)], |c(z) − c(ẑ)| ≤ e·max|S_m'| over the
 *    pieces that [ẑ − e, ẑ + e] meets. The bound is |r| + e·max|S_m'|, rounded upward.
 * 4. A row whose projection or error term is not finite (Σ|a_j x_j| overflowing) gets no
 *    bound: +∞, not recovered; X itself is refused when it holds a NaN or ±∞. NaN is never accepted as a bound.
 * Biases need not be sorted (the units are sorted first: a sum does not depend on their order).
 *
 * @param net - a, b, w, k (any {@link ReluNetworkParameters}, e.g. loaded from a saved JSON)
 * @param X - the training points, (n, d), in any order
 * @param y - for k = 1 the real targets; for k > 1 the class labels (targets are one-hot)
 * @example
 * const net = interpolate(X, y);
 * const cert = certify(net, X, y);
 * cert.labelsRecovered; // 1: every integer label is recovered, provably
 */
export function certify(net: ReluNetworkParameters, X: MatrixInput, y: ArrayLike<number>): Certificate {
  const Xm = toMatrix(X);
  const { rows, cols: d } = Xm;
  const labels = toLabels(y, rows);
  const { a, k } = net;
  if (!Number.isInteger(k) || k < 1) {
    throw new InputError(`certify: k = ${k}; the number of outputs must be a positive integer`);
  }
  if (a.length !== d) {
    throw new InputError(`certify: the network has d = ${a.length} inputs but X has ${d} features`);
  }
  const n = net.b.length;
  if (net.w.length !== n * k) {
    throw new InputError(`certify: w has ${net.w.length} entries, expected n·k = ${n}·${k}`);
  }
  for (const [name, values] of [['a', a], ['b', net.b], ['w', net.w]] as const) {
    for (let t = 0; t < values.length; t++) {
      if (!Number.isFinite(values[t])) {
        throw new InputError(`certify: ${name}[${t}] = ${values[t]}; a network with non-finite parameters cannot be certified`);
      }
    }
  }
  if (k > 1) {
    for (let i = 0; i < rows; i++) {
      const c = labels[i] as number;
      if (!Number.isInteger(c) || c < 0 || c >= k) {
        throw new InputError(`certify: labels[${i}] = ${c} is not a class index in 0 … ${k - 1}`);
      }
    }
  }

  // Units sorted by bias.
  const unitOrder = Array.from({ length: n }, (_, j) => j).sort((p, q) => (net.b[p] as number) - (net.b[q] as number));
  const b = Float64Array.from(unitOrder, (j) => net.b[j] as number);

  // 1. Exact prefix sums, (n + 1, k).
  const S: Dyadic[] = new Array<Dyadic>((n + 1) * k).fill(Dyadic.ZERO);
  const T: Dyadic[] = new Array<Dyadic>((n + 1) * k).fill(Dyadic.ZERO);
  for (let m = 0; m < n; m++) {
    const j = unitOrder[m] as number;
    const bj = Dyadic.fromNumber(b[m] as number);
    for (let c = 0; c < k; c++) {
      const wjc = Dyadic.fromNumber(net.w[j * k + c] as number);
      S[(m + 1) * k + c] = (S[m * k + c] as Dyadic).add(wjc);
      T[(m + 1) * k + c] = (T[m * k + c] as Dyadic).add(wjc.mul(bj));
    }
  }
  const sAbs = new Float64Array((n + 1) * k);
  let slopesNeeded = false;

  // 2. Is the projection exact for integral rows?
  const gridBits = dyadicGridBits(a);
  const exactLimit = gridBits === null ? -1 : 2 ** (52 - gridBits);
  const gammaD = gamma(d + 1);

  const residualBounds = new Float64Array(rows);
  const recovered = new Uint8Array(rows);
  let exactProjections = 0;
  let maxResidual = 0;
  const integerLabels = k > 1 || labels.every(Number.isInteger);
  const bound = new Float64Array(k);

  const projection = projectDetailed(Xm, Float64Array.from(a));
  for (let i = 0; i < rows; i++) {
    const zHat = projection.z[i] as number;
    const absSum = projection.absSum[i] as number;
    let e = 0;
    if (projection.integral[i] === 1 && gridBits !== null && absSum <= exactLimit) {
      exactProjections++;
    } else {
      // γ_d·Σ|a_j x_j| covers rounding in the normal range; each product that underflows adds at
      // most 2^−1075 absolutely (Higham §2.1; additions of subnormals are exact), hence d·2^−1074.
      e = nextUp(nextUp(nextUp(gammaD * absSum) * (1 + 4 * gammaD)) + d * 2 ** -1074);
    }
    // A projection or error term that left the finite numbers (overflow of Σ|a_j x_j|) proves nothing: the row gets no bound. Written so that NaN
    // fails the test.
    if (!(Number.isFinite(zHat) && e < Infinity)) {
      residualBounds[i] = Infinity;
      maxResidual = Infinity;
      continue;
    }
    // 3. Exact residual at ẑ, plus the Lipschitz term for the projection error.
    const m = countBelow(b, zHat);
    const zD = Dyadic.fromNumber(zHat);
    let mLo = m;
    let mHi = m;
    if (e > 0) {
      if (!slopesNeeded) {
        for (let t = 0; t < sAbs.length; t++) sAbs[t] = (S[t] as Dyadic).absUpperBound();
        slopesNeeded = true;
      }
      mLo = countBelow(b, nextDown(zHat - e));
      mHi = countBelow(b, nextUp(zHat + e));
    }
    let rowBound = 0;
    for (let c = 0; c < k; c++) {
      const target = k === 1 ? (labels[i] as number) : labels[i] === c ? 1 : 0;
      const r = zD.mul(S[m * k + c] as Dyadic).sub(T[m * k + c] as Dyadic).sub(Dyadic.fromNumber(target));
      let bc = r.absUpperBound();
      if (e > 0) {
        let lipschitz = 0;
        for (let mm = mLo; mm <= mHi; mm++) lipschitz = Math.max(lipschitz, sAbs[mm * k + c] as number);
        bc = nextUp(bc + nextUp(lipschitz * e));
      }
      // Every comparison that accepts a bound rejects NaN: a NaN bound becomes "no bound" (+∞).
      if (!(bc >= 0)) bc = Infinity;
      bound[c] = bc;
      if (!(bc <= rowBound)) rowBound = bc;
    }
    residualBounds[i] = rowBound;
    if (!(rowBound <= maxResidual)) maxResidual = rowBound;
    if (k === 1) {
      recovered[i] = integerLabels && rowBound < 0.5 ? 1 : 0;
    } else {
      const trueClass = labels[i] as number;
      let worstOther = 0;
      for (let c = 0; c < k; c++) if (c !== trueClass && !((bound[c] as number) <= worstOther)) worstOther = bound[c] as number;
      // out_true ≥ 1 − r_true and out_other ≤ r_other, so the margin is positive when r_true + r_other < 1.
      recovered[i] = nextUp((bound[trueClass] as number) + worstOther) < 1 ? 1 : 0;
    }
  }
  let recoveredCount = 0;
  for (let i = 0; i < rows; i++) recoveredCount += recovered[i] as number;
  return {
    maxResidual,
    residualBounds,
    labelsRecovered: integerLabels ? recoveredCount / rows : null,
    recovered,
    exactProjections,
    method:
      exactProjections === rows
        ? 'exact dyadic arithmetic (BigInt); projections exact in float64'
        : `exact dyadic arithmetic (BigInt) for the prefix sums; γ_d projection bound for ${rows - exactProjections} of ${rows} rows`,
  };
}

/** #{j : b_j < z} for sorted b. */
function countBelow(b: Float64Array, z: number): number {
  let lo = 0;
  let hi = b.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((b[mid] as number) < z) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The least s ≥ 0 with every a_j·2^s an integer, or null if that exceeds 60 bits. */
function dyadicGridBits(a: Float64Array): number | null {
  let s = 0;
  for (let j = 0; j < a.length; j++) {
    const v = a[j] as number;
    if (v === 0) continue;
    const dy = Dyadic.fromNumber(v);
    let m = dy.m < 0n ? -dy.m : dy.m;
    let e = dy.e;
    while ((m & 1n) === 0n) {
      m >>= 1n;
      e++;
    }
    if (-e > s) s = -e;
  }
  return s > 60 ? null : s;
}
