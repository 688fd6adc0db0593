import { InputError } from '../errors.js';
import { rowOf, type Matrix } from '../data/matrix.js';
import type { Rng } from '../random/rng.js';

/**
 * How to choose the projection direction a (Zhang et al. 2017, §4 and the proof of Theorem 1: any a
 * whose projections ⟨a, x_i⟩ are pairwise distinct works).
 * - `gaussian`: one seeded N(0, I) draw.
 * - `best-of`: `candidates` seeded draws; keep the one with the largest minimum projection gap
 *   divided by ‖a‖ (a larger gap means smaller output weights and a better-conditioned fit).
 * - `explicit`: the caller's vector, used as given (an error if it makes two distinct points collide).
 */
export type DirectionStrategy =
  | { readonly kind: 'gaussian' }
  | { readonly kind: 'best-of'; readonly candidates: number }
  | { readonly kind: 'explicit'; readonly a: ArrayLike<number> };

/**
 * Drawn directions are rounded to multiples of 2^−20 (a "dyadic grid"). This changes a by at most
 * 2^−21 per coordinate, which is immaterial for the gap, and it makes ⟨a, x⟩ *exact* in float64
 * for integer data such as raw MNIST pixels (products have ≤ 31 bits and sums stay far below 2^53),
 * so the certificate then has no projection error at all.
 */
export const DIRECTION_GRID_BITS = 20;

/** A projection of all points onto a, with the groups of identical points it found. */
export interface Projection {
  /** The direction. */
  readonly a: Float64Array; // (d)
  /** z_i = ⟨a, x_i⟩ in the caller's row order. */
  readonly z: Float64Array; // (n)
  /** Row indices sorted by z (ties, which are duplicates, by row index). */
  readonly order: Int32Array; // (n)
  /** Sets (size ≥ 2, ascending) of rows that are the same point. */
  readonly duplicateGroups: number[][];
  /** min over consecutive distinct projections of z_(i+1) − z_(i) (Infinity for one distinct point). */
  readonly minGap: number;
  /** How many candidate directions were drawn. */
  readonly candidatesTried: number;
}

/**
 * Chooses a direction whose projections separate all distinct points, and projects.
 *
 * Random strategies draw new candidates (up to 4 rounds) when two distinct points collide; an explicit
 * direction that collides is an error naming the two rows.
 *
 * @param X - the points, (n, d)
 * @param strategy - see {@link DirectionStrategy}
 * @param rng - the seeded stream the draws come from
 */
export function chooseDirection(X: Matrix, strategy: DirectionStrategy, rng: Rng): Projection {
  if (strategy.kind === 'explicit') {
    if (strategy.a.length !== X.cols) {
      throw new InputError(`direction: a has ${strategy.a.length} entries but the data have d = ${X.cols} features`);
    }
    const a = Float64Array.from(strategy.a);
    if (!a.every(Number.isFinite) || a.every((v) => v === 0)) {
      throw new InputError('direction: the explicit vector a must be finite and non-zero');
    }
    const p = projectAndGroup(X, a, 1, projectAll(X, a));
    if ('collision' in p) {
      const [i, j] = p.collision;
      throw new InputError(
        `direction: rows ${i + 1} and ${j + 1} (1-based) are distinct points with the same projection ⟨a, x⟩ = ${p.z}; choose another direction (or use a random one)`,
      );
    }
    return p;
  }
  const wanted = strategy.kind === 'best-of' ? strategy.candidates : 1;
  if (!Number.isInteger(wanted) || wanted < 1) {
    throw new InputError(`direction: candidates must be a positive integer, got ${wanted}`);
  }
  // Score each draw from a sorted copy of its projections: fewer equal neighbours first (equal
  // projections are duplicates, which every direction shares, or collisions), then the largest
  // minimum positive gap per unit ‖a‖. Only the winner is grouped (argsort + duplicate check).
  // Candidates are projected PROJECT_BLOCK at a time, in one pass over X.
  let tried = 0;
  for (let round = 0; round < 4; round++) {
    let best: { a: Float64Array; z: Float64Array; zeros: number; score: number } | null = null;
    for (let c = 0; c < wanted; c += PROJECT_BLOCK) {
      const block = Array.from({ length: Math.min(PROJECT_BLOCK, wanted - c) }, () => drawDirection(X.cols, rng));
      const zs = projectMany(X, block);
      for (let t = 0; t < block.length; t++) {
        tried++;
        const a = block[t] as Float64Array;
        const z = zs[t] as Float64Array;
        const { zeros, minPositiveGap } = gapsOfSorted(Float64Array.from(z).sort());
        const score = minPositiveGap / norm2(a);
        if (best === null || zeros < best.zeros || (zeros === best.zeros && score > best.score)) {
          best = { a, z, zeros, score };
        }
      }
    }
    if (best === null) break;
    const p = projectAndGroup(X, best.a, tried, best.z);
    if (!('collision' in p)) return p;
  }
  throw new InputError(
    `direction: ${tried} random directions all made two distinct points collide; the points are too close for float64 — rescale or deduplicate them`,
  );
}

/** A seeded Gaussian direction on the 2^−20 grid (see {@link DIRECTION_GRID_BITS}). */
export function drawDirection(d: number, rng: Rng): Float64Array {
  const scale = 2 ** DIRECTION_GRID_BITS;
  const a = new Float64Array(d);
  let nonZero = false;
  while (!nonZero) {
    for (let j = 0; j < d; j++) {
      a[j] = Math.round(rng.gaussian() * scale) / scale;
      if (a[j] !== 0) nonZero = true;
    }
  }
  return a;
}

/** z = X·a in float64, left-to-right dot products over X.data, (n). */
export function projectAll(X: Matrix, a: Float64Array): Float64Array {
  return projectMany(X, [a])[0] as Float64Array;
}

/** How many directions {@link projectMany} projects per pass over X (the pass is memory-bound). */
const PROJECT_BLOCK = 4;

/**
 * z = X·a for several directions, each exactly as {@link projectAll} computes it (the same additions
 * in the same order), PROJECT_BLOCK directions per pass over X.data.
 */
export function projectMany(X: Matrix, directions: readonly Float64Array[]): Float64Array[] {
  const { rows: n, cols: d, data } = X;
  for (const a of directions) {
    if (a.length !== d) throw new InputError(`projection: a has ${a.length} entries, the data have d = ${d}`);
  }
  const out = directions.map(() => new Float64Array(n));
  for (let first = 0; first < directions.length; first += PROJECT_BLOCK) {
    const count = Math.min(PROJECT_BLOCK, directions.length - first);
    // Unused slots read a zero direction and are not stored.
    const [a0, a1, a2, a3] = Array.from({ length: PROJECT_BLOCK }, (_, t) => (t < count ? (directions[first + t] as Float64Array) : new Float64Array(d)));
    const [z0, z1, z2, z3] = Array.from({ length: PROJECT_BLOCK }, (_, t) => (t < count ? (out[first + t] as Float64Array) : null));
    for (let i = 0; i < n; i++) {
      const off = i * d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < d; j++) {
        const x = data[off + j] as number;
        s0 += x * ((a0 as Float64Array)[j] as number);
        s1 += x * ((a1 as Float64Array)[j] as number);
        s2 += x * ((a2 as Float64Array)[j] as number);
        s3 += x * ((a3 as Float64Array)[j] as number);
      }
      (z0 as Float64Array)[i] = s0;
      if (z1) z1[i] = s1;
      if (z2) z2[i] = s2;
      if (z3) z3[i] = s3;
    }
  }
  return out;
}

/**
 * z = X·a (as {@link projectAll}) together with what a rounding-error bound needs: Σ_j |a_j·x_ij|
 * as computed, and whether each row is integral. Reads X.data and nothing else.
 */
export function projectDetailed(X: Matrix, a: Float64Array): { z: Float64Array; absSum: Float64Array; integral: Uint8Array } {
  const { rows: n, cols: d, data } = X;
  if (a.length !== d) throw new InputError(`projection: a has ${a.length} entries, the data have d = ${d}`);
  const z = new Float64Array(n);
  const absSum = new Float64Array(n);
  const integral = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const off = i * d;
    let s = 0;
    let abs = 0;
    let isInt = true;
    for (let j = 0; j < d; j++) {
      const x = data[off + j] as number;
      const t = x * (a[j] as number);
      s += t;
      abs += Math.abs(t);
      if (isInt && !Number.isInteger(x)) isInt = false;
    }
    z[i] = s;
    absSum[i] = abs;
    integral[i] = isInt ? 1 : 0;
  }
  return { z, absSum, integral };
}

function projectAndGroup(
  X: Matrix,
  a: Float64Array,
  candidatesTried: number,
  z: Float64Array,
): Projection | { collision: [number, number]; z: number } {
  const n = z.length;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(z[i])) {
      let largest = 0;
      for (let j = 0; j < X.cols; j++) largest = Math.max(largest, Math.abs(X.data[i * X.cols + j] as number));
      throw new InputError(
        `the projection ⟨a, x⟩ of row ${i + 1} (1-based) overflows float64 (its largest feature is ${largest.toExponential(3)}); ` +
          'rescale the data, e.g. divide every feature by the largest absolute value',
      );
    }
  }
  const order = argsort(z);
  const duplicateGroups: number[][] = [];
  let minGap = Infinity;
  let runStart = 0;
  for (let t = 1; t <= n; t++) {
    const prev = z[order[t - 1] as number] as number;
    if (t < n && z[order[t] as number] === prev) continue;
    // order[runStart .. t-1] share one projection
    if (t - runStart > 1) {
      const run = Array.from(order.subarray(runStart, t));
      const groups = groupIdentical(X, run);
      if (groups.length > 1) {
        const i = (groups[0] as number[])[0] as number;
        const j = (groups[1] as number[])[0] as number;
        return { collision: [Math.min(i, j), Math.max(i, j)], z: prev };
      }
      duplicateGroups.push((groups[0] as number[]).sort((p, q) => p - q));
    }
    if (t < n) {
      const gap = (z[order[t] as number] as number) - prev;
      if (gap < minGap) minGap = gap;
    }
    runStart = t;
  }
  return { a, z, order, duplicateGroups, minGap, candidatesTried };
}

/** Splits rows that share a projection into groups of identical rows. */
function groupIdentical(X: Matrix, rows: number[]): number[][] {
  const groups: number[][] = [];
  for (const r of rows) {
    const g = groups.find((grp) => rowsEqual(X, grp[0] as number, r));
    if (g) g.push(r);
    else groups.push([r]);
  }
  return groups;
}

function rowsEqual(X: Matrix, i: number, j: number): boolean {
  const xi = rowOf(X, i);
  const xj = rowOf(X, j);
  for (let t = 0; t < xi.length; t++) if (xi[t] !== xj[t]) return false;
  return true;
}

/** Indices sorting z ascending; ties by index. */
export function argsort(z: Float64Array): Int32Array {
  const idx = new Int32Array(z.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  idx.sort((p, q) => (z[p] as number) - (z[q] as number) || p - q);
  return idx;
}

function gapsOfSorted(zs: Float64Array): { zeros: number; minPositiveGap: number } {
  let g = Infinity;
  let zeros = 0;
  for (let i = 1; i < zs.length; i++) {
    const d = (zs[i] as number) - (zs[i - 1] as number);
    if (d === 0) zeros++;
    else if (d < g) g = d;
  }
  return { zeros, minPositiveGap: g };
}

function norm2(a: Float64Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j] as number) * (a[j] as number);
  return Math.sqrt(s);
}
