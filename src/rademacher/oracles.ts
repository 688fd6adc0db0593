import { InputError } from '../errors.js';
import { rowOf, toMatrix, type Matrix, type MatrixInput } from '../data/matrix.js';
import { certify } from '../expressivity/certify.js';
import { interpolate } from '../expressivity/interpolate.js';
import { gramMatrix } from '../kernels/gram.js';
import type { JobRunner } from './parallel.js';
import { signedRowSums, signedRowSumsAsync } from './row-sums.js';

export { signedRowSums, signedRowSumsAsync };

/**
 * How an oracle's values relate to the supremum: `exact` — each value is sup_h Σ_i σ_i h(x_i);
 * `lower` — each value is witnessed by a member of H found by search or sampling, so it is at most
 * the sup, and an estimate built on it is a lower bound on R̂ only.
 */
export type SupKind = 'exact' | 'lower';

/**
 * A supremum oracle for a hypothesis class H on a fixed sample x_1 … x_n:
 * σ ↦ sup_{h∈H} Σ_i σ_i h(x_i) (not yet divided by n), for a batch of sign vectors at once.
 *
 * Everything about Rademacher complexity in `rethink` is built on this one interface: the Monte
 * Carlo estimator, exact enumeration, and the structural laws in `proofs/`.
 */
export interface SupOracle {
  /** The class, for reports. */
  readonly name: string;
  /** Sample size n. */
  readonly n: number;
  /** c with |h(x_i)| ≤ c for every h and i (McDiarmid's constant and the range law). */
  readonly range: number;
  /** True when every sup is an integer (±1- or integer-valued classes), so exact enumeration gives a rational. */
  readonly integerValued: boolean;
  /** Whether the values are the sups or found from below (default `exact`); see {@link SupKind}. */
  readonly supKind?: SupKind;
  /** sup_h Σ_i σ_i h(x_i) for each row of sigma (m, n) with entries ±1, on this thread. */
  supBatch(sigma: Int8Array, m: number): Float64Array; // (m)
  /**
   * The same values as {@link supBatch}, bit for bit, with the heavy part on `pool` when the batch
   * is large enough to pay for it. Only the classes whose sup is a norm of the signed row sums Xᵀσ
   * (the linear balls) have it; `estimateRademacherAsync` uses it where it exists.
   */
  supBatchAsync?(sigma: Int8Array, m: number, pool: JobRunner): Promise<Float64Array>; // (m)
}

function norm2(x: Float64Array): number {
  let s = 0;
  for (let j = 0; j < x.length; j++) s += (x[j] as number) ** 2;
  return Math.sqrt(s);
}

function check(sigma: Int8Array, m: number, n: number, name: string): void {
  if (sigma.length !== m * n) {
    throw new InputError(`${name}: sigma has ${sigma.length} entries, expected (m, n) = (${m}, ${n})`);
  }
}

function positive(v: number, what: string): number {
  if (!(v > 0) || !Number.isFinite(v)) throw new InputError(`${what} must be a positive finite number, got ${v}`);
  return v;
}

/**
 * A finite class given by its predictions: P (N, n), row k = (h_k(x_1), …, h_k(x_n)).
 * sup = max_k (Pσ)_k.
 *
 * @example
 * finiteClass([[1, 1], [-1, 1]]).supBatch(Int8Array.from([1, -1]), 1); // [0]
 */
export function finiteClass(predictions: MatrixInput): SupOracle {
  const P = toMatrix(predictions, 'predictions');
  const { rows: N, cols: n, data } = P;
  let range = 0;
  let integerValued = true;
  for (let t = 0; t < data.length; t++) {
    range = Math.max(range, Math.abs(data[t] as number));
    if (!Number.isInteger(data[t])) integerValued = false;
  }
  return {
    name: `finite (${N} hypotheses)`,
    n,
    range,
    integerValued,
    supBatch(sigma, m) {
      check(sigma, m, n, 'finite');
      const out = new Float64Array(m).fill(-Infinity);
      for (let k = 0; k < N; k++) {
        const off = k * n;
        for (let t = 0; t < m; t++) {
          let s = 0;
          const so = t * n;
          for (let i = 0; i < n; i++) s += (data[off + i] as number) * (sigma[so + i] as number);
          if (s > (out[t] as number)) out[t] = s;
        }
      }
      return out;
    },
  };
}

/**
 * Linear functions with ‖w‖₂ ≤ B on the rows of X: sup = B·‖Xᵀσ‖₂ = B·√(σᵀKσ), K = XXᵀ.
 *
 * @param X - the sample, (n, d)
 * @param B - the norm bound
 */
export function linearL2(X: MatrixInput, B: number): SupOracle {
  const Xm = toMatrix(X);
  let maxNorm = 0;
  for (let i = 0; i < Xm.rows; i++) maxNorm = Math.max(maxNorm, norm2(rowOf(Xm, i)));
  return linearBall(Xm, B, `linear ‖w‖₂ ≤ ${B}`, B * maxNorm, norm2);
}

/**
 * Linear functions with ‖w‖₁ ≤ B: sup = B·‖Xᵀσ‖_∞ (the dual norm).
 */
export function linearL1(X: MatrixInput, B: number): SupOracle {
  const Xm = toMatrix(X);
  let maxAbs = 0;
  for (let t = 0; t < Xm.data.length; t++) maxAbs = Math.max(maxAbs, Math.abs(Xm.data[t] as number));
  return linearBall(Xm, B, `linear ‖w‖₁ ≤ ${B}`, B * maxAbs, (v) => v.reduce((s, c) => Math.max(s, Math.abs(c)), 0));
}

/** {x ↦ ⟨w, x⟩ : ‖w‖ ≤ B}: sup_w ⟨w, Xᵀσ⟩ = B·‖Xᵀσ‖_* with the dual norm ‖·‖_*. */
function linearBall(X: Matrix, B: number, name: string, range: number, dualNorm: (v: Float64Array) => number): SupOracle {
  positive(B, `${name}: B`);
  const d = X.cols;
  const sups = (v: Float64Array, m: number): Float64Array => {
    const out = new Float64Array(m); // (m)
    for (let t = 0; t < m; t++) out[t] = B * dualNorm(v.subarray(t * d, (t + 1) * d));
    return out;
  };
  return {
    name,
    n: X.rows,
    range,
    integerValued: false,
    supBatch: (sigma, m) => sups(signedRowSums(X, sigma, m), m), // Xᵀσ: (m, d)
    supBatchAsync: async (sigma, m, pool) => sups(await signedRowSumsAsync(X, sigma, m, pool), m),
  };
}

/**
 * The RKHS ball {f : ‖f‖_H ≤ B} of a kernel, through its Gram matrix K (n, n):
 * sup = B·√(σᵀKσ) (the reproducing property and Cauchy–Schwarz).
 */
export function rkhsBall(K: Matrix, B: number, name = 'RKHS ball'): SupOracle {
  if (K.rows !== K.cols) throw new InputError(`rkhs: the Gram matrix must be square, got (${K.rows}, ${K.cols})`);
  positive(B, 'rkhs: B');
  const n = K.rows;
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, K.data[i * n + i] as number);
  return {
    name: `${name}, ‖f‖ ≤ ${B}`,
    n,
    range: B * Math.sqrt(maxDiag),
    integerValued: false,
    supBatch(sigma, m) {
      check(sigma, m, n, 'rkhs');
      const out = new Float64Array(m);
      const Ks = new Float64Array(n);
      for (let t = 0; t < m; t++) {
        const so = t * n;
        Ks.fill(0);
        for (let i = 0; i < n; i++) {
          const s = sigma[so + i] as number;
          const off = i * n;
          for (let j = 0; j < n; j++) Ks[j] = (Ks[j] as number) + s * (K.data[off + j] as number); // K symmetric: row i of K times σ_i
        }
        let q = 0;
        for (let j = 0; j < n; j++) q += (sigma[so + j] as number) * (Ks[j] as number);
        out[t] = B * Math.sqrt(Math.max(q, 0));
      }
      return out;
    },
  };
}

/** The Gram matrix of the Gaussian kernel exp(−γ‖x − x′‖²), (n, n). */
export function gaussianGram(X: MatrixInput, gamma: number): Matrix {
  return gramMatrix(X, { kind: 'gaussian', gamma });
}

/** The Gram matrix of the polynomial kernel (⟨x, x′⟩ + c)^p, (n, n). */
export function polynomialGram(X: MatrixInput, degree: number, c = 1): Matrix {
  return gramMatrix(X, { kind: 'polynomial', degree, c });
}

/**
 * Groups equal 1-D points: returns, in increasing order of value, the positions of each group.
 * Thresholds and intervals cannot separate equal points, so their sups run over group sums.
 */
function groupsOf(x: ArrayLike<number>): number[][] {
  const idx = Array.from({ length: x.length }, (_, i) => i).sort((p, q) => (x[p] as number) - (x[q] as number));
  const groups: number[][] = [];
  for (const i of idx) {
    const last = groups[groups.length - 1];
    if (last && x[last[0] as number] === x[i]) last.push(i);
    else groups.push([i]);
  }
  return groups;
}

function oneDimensional(x: ArrayLike<number>, name: string): number[][] {
  if (x.length === 0) throw new InputError(`${name}: empty sample`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new InputError(`${name}: x[${i}] is ${x[i]}; points must be finite numbers`);
  }
  return groupsOf(x);
}

/** Group sums G_u = Σ_{i∈u} σ_i for one sign vector, in increasing order of the groups. */
function groupSums(groups: number[][], sigma: Int8Array, off: number): Float64Array {
  const g = new Float64Array(groups.length);
  groups.forEach((grp, u) => {
    let s = 0;
    for (const i of grp) s += sigma[off + i] as number;
    g[u] = s;
  });
  return g;
}

/**
 * One-sided thresholds on the line, h_t(x) = +1 if x ≥ t else −1 (derivation: docs/theory.md §3.1):
 * sup = P_n − 2·min_k P_k over the prefix sums P_k of σ in sorted order (P_0 = 0), in O(n) per σ.
 */
export function thresholds(x: ArrayLike<number>): SupOracle {
  return thresholdFamily(x, 'one-sided thresholds', ({ P, minP }) => P - 2 * minP);
}

/** Thresholds facing either way, ±h_t: sup = max(P_n − 2·min P_k, 2·max P_k − P_n). */
export function twoSidedThresholds(x: ArrayLike<number>): SupOracle {
  return thresholdFamily(x, 'two-sided thresholds', ({ P, minP, maxP }) => Math.max(P - 2 * minP, 2 * maxP - P));
}

/** Shared scan of the threshold classes: the total P_n and the extremes of the prefix sums (P_0 = 0 included). */
function thresholdFamily(x: ArrayLike<number>, name: string, sup: (prefix: { P: number; minP: number; maxP: number }) => number): SupOracle {
  return groupedOracle(name, oneDimensional(x, name), x.length, (g) => {
    let P = 0;
    let minP = 0;
    let maxP = 0;
    for (let u = 0; u < g.length; u++) {
      P += g[u] as number;
      if (P < minP) minP = P;
      if (P > maxP) maxP = P;
    }
    return sup({ P, minP, maxP });
  });
}

/**
 * An integer-valued ±1 class whose sup depends on σ only through its sums over groups of equal
 * points (ordered): the oracle sums σ per group and applies `reduce`.
 */
function groupedOracle(name: string, groups: number[][], n: number, reduce: (groupSums: Float64Array) => number): SupOracle {
  return {
    name,
    n,
    range: 1,
    integerValued: true,
    supBatch(sigma, m) {
      check(sigma, m, n, name);
      const out = new Float64Array(m);
      for (let t = 0; t < m; t++) out[t] = reduce(groupSums(groups, sigma, t * n));
      return out;
    },
  };
}

/**
 * ±1 intervals, h(x) = +1 on [a, b] and −1 elsewhere (the empty interval included):
 * sup = −Σσ + 2·max(0, maxSubarray(σ)) by Kadane's algorithm, O(n) per σ.
 */
export function intervals(x: ArrayLike<number>): SupOracle {
  return groupedOracle('intervals', oneDimensional(x, 'intervals'), x.length, (g) => {
    let total = 0;
    let best = 0;
    let run = 0;
    for (let u = 0; u < g.length; u++) {
      const v = g[u] as number;
      total += v;
      run = Math.max(v, run + v);
      if (run > best) best = run;
    }
    return -total + 2 * best;
  });
}

/**
 * All functions into [−1, 1] (or into {0, 1}) on a sample that may repeat points: a function takes
 * one value per distinct point, so sup = Σ_u |S_u| (resp. Σ_u max(S_u, 0)) over the sums S_u of σ on
 * each distinct point. On distinct points this is n (resp. the number of +1s), so R̂ = 1 (resp. ½).
 *
 * @param pointIds - an id per sample position; equal ids are the same point
 * @param values - `'pm1'` for [−1, 1] (default) or `'01'` for {0, 1}
 */
export function allFunctions(pointIds: ArrayLike<number>, values: 'pm1' | '01' = 'pm1'): SupOracle {
  const n = pointIds.length;
  if (n === 0) throw new InputError('all-functions: empty sample');
  const byId = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const id = pointIds[i] as number;
    byId.set(id, [...(byId.get(id) ?? []), i]);
  }
  const name = values === 'pm1' ? 'all functions into [−1, 1]' : 'all functions into {0, 1}';
  return groupedOracle(name, [...byId.values()], n, (g) => {
    let s = 0;
    for (let u = 0; u < g.length; u++) s += values === 'pm1' ? Math.abs(g[u] as number) : Math.max(g[u] as number, 0);
    return s;
  });
}

/**
 * Two-layer ReLU networks of Theorem 1 with outputs clipped to [−1, 1], on distinct points. For each
 * σ the oracle *constructs* the network interpolating σ and certifies it (certified residual r < 1
 * makes clip(c/(1 − r)) equal σ at every point), so its value n is witnessed, not assumed.
 */
export function relu2Layer(X: MatrixInput, seed = 1): SupOracle {
  const Xm = toMatrix(X);
  const n = Xm.rows;
  return {
    name: 'two-layer ReLU (Theorem 1, clipped to [−1, 1])',
    n,
    range: 1,
    integerValued: true,
    supBatch(sigma, m) {
      check(sigma, m, n, 'relu-2layer');
      const out = new Float64Array(m);
      for (let t = 0; t < m; t++) {
        const s = Float64Array.from(sigma.subarray(t * n, (t + 1) * n));
        const net = interpolate(Xm, s, { seed, duplicates: 'error' });
        const cert = certify(net, Xm, s);
        if (!(cert.maxResidual < 1)) {
          throw new Error(`relu-2layer: certified residual ${cert.maxResidual} ≥ 1 for draw ${t}; the witness failed`);
        }
        out[t] = n;
      }
      return out;
    },
  };
}
