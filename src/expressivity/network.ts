import { InputError } from '../errors.js';
import { ddAdd, ddMulNumber } from '../numeric/float.js';

/** The parameters of a two-layer ReLU network c(x) = Σ_j w_j · max(⟨a, x⟩ − b_j, 0). */
export interface ReluNetworkParameters {
  /** Projection direction a ∈ R^d. */
  readonly a: Float64Array; // (d)
  /** Biases b_1 < … < b_n, strictly increasing. */
  readonly b: Float64Array; // (n)
  /** Output weights, row-major (n, k): w[j * k + c] is unit j's weight into output c. */
  readonly w: Float64Array; // (n, k)
  /** Number of outputs (1 for a scalar network, the number of classes for one-hot). */
  readonly k: number;
}

/**
 * A two-layer ReLU network of Theorem 1 (Zhang et al. 2017, §4), with k outputs:
 * c(x) = Σ_j w_j · max(⟨a, x⟩ − b_j, 0), no output bias, d + n + n·k parameters
 * (2n + d for a scalar output).
 *
 * Evaluation costs O(d + log n) per point: with the biases sorted, only the units with b_j < z = ⟨a, x⟩
 * are active, and their sum is z·S_m − T_m for the prefix sums S_m = Σ_{j≤m} w_j and
 * T_m = Σ_{j≤m} w_j b_j. The prefix sums are kept in double-double arithmetic (≈ 106 bits), since
 * S and T are huge and cancel. {@link ReluNetwork.outputNaive} is the plain O(n) ReLU sum, for
 * cross-checking.
 *
 * @example
 * const net = interpolate([[0], [1], [2]], [5, -1, 3]);
 * net.predict([1]); // ≈ −1
 */
export class ReluNetwork implements ReluNetworkParameters {
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly w: Float64Array;
  readonly k: number;
  /** Number of hidden units (the number of distinct training points it was built from). */
  readonly n: number;
  /** Input dimension. */
  readonly d: number;
  // Prefix sums over units 0..m-1 for m = 0..n, per output: index m * k + c.
  private readonly sHi: Float64Array; // (n + 1, k)
  private readonly sLo: Float64Array; // (n + 1, k)
  private readonly tHi: Float64Array; // (n + 1, k)
  private readonly tLo: Float64Array; // (n + 1, k)

  /**
   * @param params - a, b (strictly increasing), w (n·k) and k
   */
  constructor(params: ReluNetworkParameters) {
    const { a, b, w, k } = params;
    if (!Number.isInteger(k) || k < 1) throw new InputError(`ReluNetwork: k must be a positive integer, got ${k}`);
    if (w.length !== b.length * k) {
      throw new InputError(`ReluNetwork: w has ${w.length} entries but (n, k) = (${b.length}, ${k}) needs ${b.length * k}`);
    }
    for (let j = 1; j < b.length; j++) {
      if (!((b[j] as number) > (b[j - 1] as number))) {
        throw new InputError(`ReluNetwork: biases must be strictly increasing; b[${j - 1}] = ${b[j - 1]}, b[${j}] = ${b[j]}`);
      }
    }
    this.a = a;
    this.b = b;
    this.w = w;
    this.k = k;
    this.n = b.length;
    this.d = a.length;
    const n = this.n;
    this.sHi = new Float64Array((n + 1) * k);
    this.sLo = new Float64Array((n + 1) * k);
    this.tHi = new Float64Array((n + 1) * k);
    this.tLo = new Float64Array((n + 1) * k);
    for (let j = 0; j < n; j++) {
      const bj = b[j] as number;
      for (let c = 0; c < k; c++) {
        const wjc = w[j * k + c] as number;
        const prev = j * k + c;
        const next = prev + k;
        const s = ddAdd(this.sHi[prev] as number, this.sLo[prev] as number, wjc, 0);
        this.sHi[next] = s.hi;
        this.sLo[next] = s.lo;
        const wb = ddMulNumber(wjc, 0, bj);
        const t = ddAdd(this.tHi[prev] as number, this.tLo[prev] as number, wb.hi, wb.lo);
        this.tHi[next] = t.hi;
        this.tLo[next] = t.lo;
      }
    }
  }

  /** d + n + n·k: the direction a, the biases b and the output weights w. */
  get parameterCount(): number {
    return this.d + this.n + this.n * this.k;
  }

  /** z = ⟨a, x⟩ in float64. */
  project(x: ArrayLike<number>): number {
    if (x.length !== this.d) {
      throw new InputError(`ReluNetwork: input has ${x.length} features but the network expects d = ${this.d}`);
    }
    let z = 0;
    for (let j = 0; j < this.d; j++) z += (this.a[j] as number) * (x[j] as number);
    return z;
  }

  /** The number of active units at projection z: #{j : b_j < z} (binary search). */
  activeUnits(z: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.b[mid] as number) < z) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** All k outputs at x, in O(d + log n). */
  output(x: ArrayLike<number>): Float64Array {
    return this.outputAtProjection(this.project(x));
  }

  /** All k outputs at projection z = ⟨a, x⟩, in O(log n). */
  outputAtProjection(z: number): Float64Array {
    const m = this.activeUnits(z);
    const out = new Float64Array(this.k);
    for (let c = 0; c < this.k; c++) {
      const idx = m * this.k + c;
      const zs = ddMulNumber(this.sHi[idx] as number, this.sLo[idx] as number, z);
      const v = ddAdd(zs.hi, zs.lo, -(this.tHi[idx] as number), -(this.tLo[idx] as number));
      out[c] = v.hi + v.lo;
    }
    return out;
  }

  /** The scalar output at x (k = 1). */
  predict(x: ArrayLike<number>): number {
    if (this.k !== 1) throw new InputError(`ReluNetwork.predict: the network has k = ${this.k} outputs; use output() or classify()`);
    return this.output(x)[0] as number;
  }

  /** The predicted class at x: the argmax over the k outputs (for k = 1: the output rounded). */
  classify(x: ArrayLike<number>): number {
    const out = this.output(x);
    if (this.k === 1) return Math.round(out[0] as number);
    let best = 0;
    for (let c = 1; c < this.k; c++) if ((out[c] as number) > (out[best] as number)) best = c;
    return best;
  }

  /** The plain O(n·k) ReLU sum Σ_j w_j · max(⟨a, x⟩ − b_j, 0), in float64, for cross-checking. */
  outputNaive(x: ArrayLike<number>): Float64Array {
    const z = this.project(x);
    const out = new Float64Array(this.k);
    for (let j = 0; j < this.n; j++) {
      const h = Math.max(z - (this.b[j] as number), 0);
      if (h === 0) continue;
      for (let c = 0; c < this.k; c++) out[c] = (out[c] as number) + (this.w[j * this.k + c] as number) * h;
    }
    return out;
  }
}
