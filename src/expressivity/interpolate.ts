import { InputError } from '../errors.js';
import { toLabels, toMatrix, type Matrix, type MatrixInput } from '../data/matrix.js';
import { ddAdd, ddMulNumber, nextDown, twoProd, twoSum } from '../numeric/float.js';
import { Rng } from '../random/rng.js';
import { chooseDirection, type DirectionStrategy } from './direction.js';
import { ReluNetwork } from './network.js';

/**
 * Default bias placement fraction λ: b_i = z_(i−1) + λ·(z_(i) − z_(i−1)).
 *
 * The slopes obey s_i = Δy_i / ((1−λ) g_i) − (λ/(1−λ))·s_(i−1) (docs/theory.md §1.3): for λ > ½ they grow
 * exponentially, at λ = ½ linearly, for λ < ½ they contract. Measured on full MNIST with random
 * labels (`npm run bench -- lambda`, seed 1, pixels 0–255): λ = 0.05 / 0.1 / ¼ / ½ give max |w| =
 * 1.45e6 / 1.62e6 / 2.33e6 / 9.56e6 and certified max residuals 1.8e−11 / 7.7e−12 / 4.4e−12 / 1.4e−8;
 * λ = ¾ overflows float64 after 626 points. λ = ¼ has the smallest certified residual, weights 4×
 * smaller than midpoints, and keeps each bias a quarter-gap away from both neighbours.
 */
export const DEFAULT_LAMBDA = 0.25;

/** The default direction strategy: best of 4 seeded Gaussian candidates. */
export const DEFAULT_DIRECTION: DirectionStrategy = { kind: 'best-of', candidates: 4 };

/** Options of {@link interpolate} and {@link interpolateClasses}. */
export interface InterpolateOptions {
  /** How a is chosen; default {@link DEFAULT_DIRECTION}. */
  readonly direction?: DirectionStrategy;
  /** Bias placement fraction λ ∈ (0, 1); default {@link DEFAULT_LAMBDA}. */
  readonly lambda?: number;
  /** Seed of the direction draws; default 1. Stored on the result. */
  readonly seed?: number;
  /** What to do with identical points that have equal labels: merge them (default) or refuse. */
  readonly duplicates?: 'merge' | 'error';
}

/** Identical points that were merged into one hidden unit. */
export interface MergedDuplicates {
  /** The row kept (the smallest index of the group). */
  readonly kept: number;
  /** The other rows, identical to it with the same label. */
  readonly dropped: number[];
}

/** A network built by {@link interpolate}: the parameters plus how they were obtained. */
export class InterpolatedNetwork extends ReluNetwork {
  /** order[j] is the caller's row index of the point whose gap hidden unit j sits in. */
  readonly order: Int32Array; // (n)
  /** Duplicate points merged before fitting. */
  readonly merged: readonly MergedDuplicates[];
  /** The seed of the direction draws. */
  readonly seed: number;
  /** The bias placement fraction used. */
  readonly lambda: number;
  /** b_1 = z_(1) − g0. */
  readonly g0: number;
  /** Minimum gap between consecutive distinct projections. */
  readonly minGap: number;
  /** Candidate directions drawn. */
  readonly candidatesTried: number;
  /** Rows given (before merging duplicates). */
  readonly rowsGiven: number;
  /** The distinct projections in increasing order, z_(1) < … < z_(n). */
  readonly zSorted: Float64Array; // (n)

  constructor(
    params: ConstructorParameters<typeof ReluNetwork>[0],
    info: {
      order: Int32Array;
      merged: MergedDuplicates[];
      seed: number;
      lambda: number;
      g0: number;
      minGap: number;
      candidatesTried: number;
      rowsGiven: number;
      zSorted: Float64Array;
    },
  ) {
    super(params);
    this.order = info.order;
    this.merged = info.merged;
    this.seed = info.seed;
    this.lambda = info.lambda;
    this.g0 = info.g0;
    this.minGap = info.minGap;
    this.candidatesTried = info.candidatesTried;
    this.rowsGiven = info.rowsGiven;
    this.zSorted = info.zSorted;
  }
}

/**
 * Theorem 1 (Zhang et al. 2017, §4), in float64: builds a two-layer ReLU network with 2n + d
 * parameters that fits the labels y on the n distinct points X.
 *
 * Construction (docs/theory.md §1.1–1.2): project onto a direction a so that z_i = ⟨a, x_i⟩ are distinct,
 * sort them, interleave biases b_1 < z_(1) < b_2 < … < b_n < z_(n), and solve the lower-triangular
 * system A w = y with A_ij = max(z_(i) − b_j, 0) by the O(n) prefix-sum recurrence
 * w_i = (y_i − (z_i·S_(i−1) − T_(i−1))) / (z_i − b_i), S and T carried in double-double arithmetic so
 * that each residual is about one rounding of the new term. No n×n matrix is ever formed.
 *
 * Identical points with equal labels are merged (reported in `merged`); identical points with
 * different labels are an error naming the rows, since no function fits them.
 *
 * @param X - the points, (n, d)
 * @param y - one real label per point
 * @param options - direction strategy, λ, seed, duplicate policy
 * @returns the network, with `parameterCount === 2·n + d` for the n distinct points
 * @example
 * const net = interpolate([[0, 1], [1, 0], [1, 1]], [1, -1, 7], { seed: 3 });
 * net.parameterCount; // 2·3 + 2 = 8
 * net.predict([1, 1]); // ≈ 7
 */
export function interpolate(X: MatrixInput, y: ArrayLike<number>, options: InterpolateOptions = {}): InterpolatedNetwork {
  const Xm = toMatrix(X);
  const labels = toLabels(y, Xm.rows);
  const net = fit(Xm, labels, 1, options, (i) => `label ${labels[i]}`);
  if (net.parameterCount !== 2 * net.n + net.d) {
    throw new Error(`internal: parameter count ${net.parameterCount} ≠ 2n + d = ${2 * net.n + net.d}`);
  }
  return net;
}

/**
 * Theorem 1 with one-hot outputs: shared a and b, an (n, k) output matrix, d + n + n·k parameters.
 * The network's argmax recovers every training label.
 *
 * @param X - the points, (n, d)
 * @param labels - class indices 0 … k−1
 * @param options - as {@link interpolate}, plus `classes` (default: max label + 1)
 * @example
 * const net = interpolateClasses([[0], [1], [2]], [2, 0, 1]);
 * net.classify([2]); // 1
 */
export function interpolateClasses(
  X: MatrixInput,
  labels: ArrayLike<number>,
  options: InterpolateOptions & { readonly classes?: number } = {},
): InterpolatedNetwork {
  const Xm = toMatrix(X);
  const classLabels = toLabels(labels, Xm.rows, 'labels');
  let maxLabel = 0;
  for (let i = 0; i < classLabels.length; i++) {
    const c = classLabels[i] as number;
    if (!Number.isInteger(c) || c < 0) {
      throw new InputError(`labels[${i}] is ${c}; class labels must be integers 0 … k−1`);
    }
    if (c > maxLabel) maxLabel = c;
  }
  const k = options.classes ?? maxLabel + 1;
  if (!Number.isInteger(k) || k < 1 || k <= maxLabel) {
    throw new InputError(`classes = ${k} but the labels go up to ${maxLabel}; classes must exceed every label`);
  }
  const Y = new Float64Array(Xm.rows * k); // (n, k) one-hot
  for (let i = 0; i < Xm.rows; i++) Y[i * k + (classLabels[i] as number)] = 1;
  return fit(Xm, Y, k, options, (i) => `class ${classLabels[i]}`);
}

function fit(
  X: Matrix,
  Y: Float64Array, // (n, k)
  k: number,
  options: InterpolateOptions,
  describeLabel: (row: number) => string,
): InterpolatedNetwork {
  const lambda = options.lambda ?? DEFAULT_LAMBDA;
  if (!(lambda > 0 && lambda < 1)) {
    throw new InputError(`lambda = ${lambda}; the bias placement fraction must lie strictly between 0 and 1`);
  }
  const seed = options.seed ?? 1;
  const rng = new Rng(seed).fork('direction');
  const projection = chooseDirection(X, options.direction ?? DEFAULT_DIRECTION, rng);
  const { a, z, order: sortedRows, duplicateGroups } = projection;

  // Duplicates: same labels → merge; different labels → no function fits them.
  const dropped = new Uint8Array(X.rows);
  const merged: MergedDuplicates[] = [];
  for (const group of duplicateGroups) {
    const kept = group[0] as number;
    for (const r of group.slice(1)) {
      for (let c = 0; c < k; c++) {
        if (Y[r * k + c] !== Y[kept * k + c]) {
          throw new InputError(
            `rows ${kept + 1} and ${r + 1} (1-based) are the same point with different labels (${describeLabel(kept)} vs ${describeLabel(r)}); ` +
              'no function fits both — relabel or drop one of them',
          );
        }
      }
    }
    if (options.duplicates === 'error') {
      throw new InputError(`rows ${group.map((r) => r + 1).join(', ')} (1-based) are the same point (with equal labels); merge them or pass duplicates: 'merge'`);
    }
    for (const r of group.slice(1)) dropped[r] = 1;
    merged.push({ kept, dropped: group.slice(1) });
  }

  const order = Int32Array.from(Array.from(sortedRows).filter((r) => dropped[r] === 0));
  const n = order.length;
  const zs = new Float64Array(n); // sorted distinct projections
  for (let i = 0; i < n; i++) zs[i] = z[order[i] as number] as number;

  const g0 = n >= 2 ? medianGap(zs) : 1;
  const b = placeBiases(zs, lambda, g0);
  const w = solveRecurrence(zs, b, Y, order, k);
  for (let t = 0; t < w.length; t++) {
    if (!Number.isFinite(w[t])) {
      const growth = lambda / (1 - lambda);
      throw new InputError(
        `the output weights overflowed float64 at hidden unit ${Math.floor(t / k) + 1} of ${n}: ` +
          (growth > 1
            ? `with λ = ${lambda} the slope recurrence grows by λ/(1−λ) = ${growth.toPrecision(3)} per point; use λ ≤ ½ (default ${DEFAULT_LAMBDA})`
            : `with λ = ${lambda} the recurrence does not grow, so the projection gaps are too small for the label jumps (smallest gap ${projection.minGap.toExponential(2)}); ` +
              'choose a better-separating direction (--direction best-of:16) or rescale the data'),
      );
    }
  }
  return new InterpolatedNetwork(
    { a, b, w, k },
    { order, merged, seed, lambda, g0, minGap: projection.minGap, candidatesTried: projection.candidatesTried, rowsGiven: X.rows, zSorted: zs },
  );
}

/**
 * b_1 = z_(1) − g0, b_i = z_(i−1) + λ·(z_(i) − z_(i−1)), each strictly inside its gap in float64.
 */
export function placeBiases(zs: Float64Array, lambda: number, g0: number): Float64Array {
  const n = zs.length;
  const b = new Float64Array(n);
  let b0 = (zs[0] as number) - g0;
  if (!(b0 < (zs[0] as number))) b0 = nextDown(zs[0] as number);
  b[0] = b0;
  for (let i = 1; i < n; i++) {
    const lo = zs[i - 1] as number;
    const hi = zs[i] as number;
    let bi = lo + lambda * (hi - lo);
    if (!(bi > lo && bi < hi)) bi = lo + 0.5 * (hi - lo);
    if (!(bi > lo && bi < hi)) {
      throw new InputError(
        `projections ${lo} and ${hi} are adjacent float64 numbers: no bias fits between them; rescale the data or choose another direction`,
      );
    }
    b[i] = bi;
  }
  return b;
}

/**
 * w_i = (y_i − (z_i·S_(i−1) − T_(i−1))) / (z_i − b_i) for each output, with S, T the prefix sums of
 * the weights *as stored*, in double-double.
 */
function solveRecurrence(
  zs: Float64Array, // (n) sorted projections
  b: Float64Array, // (n)
  Y: Float64Array, // (rows, k) targets in the caller's order
  order: Int32Array, // (n) row index of sorted position i
  k: number,
): Float64Array {
  const n = zs.length;
  const w = new Float64Array(n * k); // (n, k)
  const sHi = new Float64Array(k);
  const sLo = new Float64Array(k);
  const tHi = new Float64Array(k);
  const tLo = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const zi = zs[i] as number;
    const bi = b[i] as number;
    const [denHi, denLo] = twoSum(zi, -bi); // z_i − b_i exactly
    const row = order[i] as number;
    for (let c = 0; c < k; c++) {
      // previous units' output at z_i: z_i·S − T
      const zS = ddMulNumber(sHi[c] as number, sLo[c] as number, zi);
      const f = ddAdd(zS.hi, zS.lo, -(tHi[c] as number), -(tLo[c] as number));
      const r = ddAdd(Y[row * k + c] as number, 0, -f.hi, -f.lo);
      // w = r / (denHi + denLo), to about one rounding
      const q = r.hi / denHi;
      const [p, pErr] = twoProd(q, denHi);
      const wi = q + (r.hi - p - pErr + r.lo - q * denLo) / denHi;
      w[i * k + c] = wi;
      const s = ddAdd(sHi[c] as number, sLo[c] as number, wi, 0);
      sHi[c] = s.hi;
      sLo[c] = s.lo;
      const wb = ddMulNumber(wi, 0, bi);
      const t = ddAdd(tHi[c] as number, tLo[c] as number, wb.hi, wb.lo);
      tHi[c] = t.hi;
      tLo[c] = t.lo;
    }
  }
  return w;
}

function medianGap(zs: Float64Array): number {
  const gaps = new Float64Array(zs.length - 1);
  for (let i = 1; i < zs.length; i++) gaps[i - 1] = (zs[i] as number) - (zs[i - 1] as number);
  gaps.sort();
  return gaps[gaps.length >> 1] as number;
}
