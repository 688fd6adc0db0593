import { fraction } from 'mathjs';
import { InputError } from '../errors.js';
import { Rng } from '../random/rng.js';
import { ONE, ZERO, isIntegral, reluFraction, toFraction, type ExactInput, type Fraction } from '../exact/fraction.js';

/**
 * How {@link interpolateExact} picks a so that the projections ⟨a, x_i⟩ are distinct:
 * - `powers-of-K`: for integer data in [−M, M]^d, a = (1, K, …, K^(d−1)) with K = 2M + 1 — each z_i
 *   is x_i written in balanced base K, so distinct points give distinct z, with no search.
 * - `moment-curve`: a(t) = (1, t, …, t^(d−1)) for t = 1, 2, …; ⟨a(t), x_i − x_j⟩ is a non-zero
 *   polynomial of degree ≤ d−1 in t for each of the C(n, 2) pairs, so at most (d−1)·C(n, 2) values of t
 *   fail and the search ends.
 * - `random-integer`: seeded integer entries in [−2^20, 2^20], kept only if the projections are
 *   exactly distinct (checked in rational arithmetic; redrawn otherwise). The numbers stay small,
 *   so this is the practical rule in high dimension (MNIST: K^783 would have ≈ 7000 bits).
 * - `auto` (default): `powers-of-K` for integer data while K^(d−1) < 2^64, `random-integer`
 *   otherwise (falling back to `moment-curve` if 32 draws collide).
 */
export type ExactDirection = 'auto' | 'powers-of-K' | 'moment-curve' | 'random-integer';

/** Options of {@link interpolateExact}. */
export interface ExactOptions {
  readonly direction?: ExactDirection;
  /** Bias placement fraction λ ∈ (0, 1), exact; default 1/4. */
  readonly lambda?: ExactInput;
  /** Seed of the `random-integer` direction; default 1. */
  readonly seed?: number;
}

/**
 * Theorem 1's network in exact rational arithmetic: c(x) = Σ_j w_j·max(⟨a, x⟩ − b_j, 0), every
 * parameter a mathjs Fraction.
 */
export interface ExactNetwork {
  readonly a: readonly Fraction[]; // (d)
  /** Biases in increasing order. */
  readonly b: readonly Fraction[]; // (n)
  readonly w: readonly Fraction[]; // (n)
  /** order[j]: caller's row index of the j-th smallest projection (distinct points only). */
  readonly order: readonly number[]; // (n)
  /** Projections of the distinct points in sorted order, z_(1) < … < z_(n). */
  readonly zSorted: readonly Fraction[]; // (n)
  readonly n: number;
  readonly d: number;
  /** Always 2n + d. */
  readonly parameterCount: number;
  /** Rows dropped as identical (with equal labels) to an earlier row. */
  readonly merged: readonly { kept: number; dropped: number[] }[];
  /** The direction rule that was used (and t for the moment curve, K for powers). */
  readonly directionUsed: string;
  /** c(x), exactly. */
  evaluate(x: readonly ExactInput[]): Fraction;
}

/**
 * Theorem 1 (Zhang et al. 2017, §4), exactly: a two-layer ReLU network with 2n + d rational
 * weights with c(x_i) = y_i *exactly* for every given point.
 *
 * The same construction as {@link interpolate} — interleaved biases, the O(n) prefix-sum
 * recurrence w_i = (y_i − z_i·S_(i−1) + T_(i−1)) / (z_i − b_i) — with an exactly chosen direction
 * ({@link ExactDirection}) and b_1 = z_(1) − (z_(2) − z_(1)) (b_1 = z_(1) − 1 for one point).
 *
 * @param X - rows of integers, bigints, decimal strings or Fractions (numbers are taken at their exact binary value)
 * @param y - the labels, exact
 * @param options - direction rule and λ
 * @example
 * const net = interpolateExact([[0, 0], [1, 2], [2, 1]], ['1/3', 2, -5]);
 * net.evaluate([1, 2]).toFraction(); // '2'
 */
export function interpolateExact(
  X: readonly (readonly ExactInput[])[],
  y: readonly ExactInput[],
  options: ExactOptions = {},
): ExactNetwork {
  const n0 = X.length;
  if (n0 === 0) throw new InputError('interpolateExact: empty data (0 points); give at least one point');
  const d = (X[0] as readonly ExactInput[]).length;
  if (d === 0) throw new InputError('interpolateExact: points have 0 features');
  if (y.length !== n0) throw new InputError(`interpolateExact: ${y.length} labels for ${n0} points; give exactly one label per point`);
  const Xf = X.map((row, i) => {
    if (row.length !== d) {
      throw new InputError(`interpolateExact: ragged rows — row ${i + 1} has ${row.length} values but row 1 has ${d} (1-based)`);
    }
    return row.map(toFraction);
  });
  const yf = y.map(toFraction);
  const lambda = toFraction(options.lambda ?? '1/4');
  if (!(lambda.compare(0) > 0 && lambda.compare(1) < 0)) {
    throw new InputError(`interpolateExact: lambda = ${lambda.toFraction()} must lie strictly between 0 and 1`);
  }

  // Duplicates: equal rows must carry equal labels; they are merged.
  const keyOf = (row: Fraction[]): string => row.map((v) => v.toFraction()).join(',');
  const firstByKey = new Map<string, number>();
  const mergedMap = new Map<number, number[]>();
  const distinct: number[] = [];
  Xf.forEach((row, i) => {
    const key = keyOf(row);
    const first = firstByKey.get(key);
    if (first === undefined) {
      firstByKey.set(key, i);
      distinct.push(i);
      return;
    }
    if (!(yf[first] as Fraction).equals(yf[i] as Fraction)) {
      throw new InputError(
        `rows ${first + 1} and ${i + 1} (1-based) are the same point with different labels (${(yf[first] as Fraction).toFraction()} vs ${(yf[i] as Fraction).toFraction()}); no function fits both`,
      );
    }
    mergedMap.set(first, [...(mergedMap.get(first) ?? []), i]);
  });

  const { a, directionUsed } = chooseExactDirection(distinct.map((i) => Xf[i] as Fraction[]), options.direction ?? 'auto', options.seed ?? 1);
  const project = (row: readonly Fraction[]): Fraction => row.reduce((s, v, j) => s.add(v.mul(a[j] as Fraction)), ZERO);
  const z = distinct.map((i) => project(Xf[i] as Fraction[]));
  const sortedPos = z.map((_, p) => p).sort((p, q) => (z[p] as Fraction).compare(z[q] as Fraction));
  const order = sortedPos.map((p) => distinct[p] as number);
  const zSorted = sortedPos.map((p) => z[p] as Fraction);
  const n = zSorted.length;

  const b: Fraction[] = [];
  for (let i = 0; i < n; i++) {
    const zi = zSorted[i] as Fraction;
    if (i === 0) {
      const g0 = n >= 2 ? (zSorted[1] as Fraction).sub(zi) : ONE;
      b.push(zi.sub(g0));
    } else {
      const prev = zSorted[i - 1] as Fraction;
      b.push(prev.add(lambda.mul(zi.sub(prev))));
    }
  }
  // The O(n) recurrence.
  const w: Fraction[] = [];
  let S = ZERO;
  let T = ZERO;
  for (let i = 0; i < n; i++) {
    const zi = zSorted[i] as Fraction;
    const bi = b[i] as Fraction;
    const yi = yf[order[i] as number] as Fraction;
    const wi = yi.sub(zi.mul(S)).add(T).div(zi.sub(bi));
    w.push(wi);
    S = S.add(wi);
    T = T.add(wi.mul(bi));
  }
  const merged = [...mergedMap.entries()].map(([kept, dropped]) => ({ kept, dropped }));
  const evaluate = (x: readonly ExactInput[]): Fraction => {
    if (x.length !== d) throw new InputError(`evaluate: input has ${x.length} features but the network expects d = ${d}`);
    const zx = project(x.map(toFraction));
    let out = ZERO;
    for (let j = 0; j < n; j++) out = out.add((w[j] as Fraction).mul(reluFraction(zx.sub(b[j] as Fraction))));
    return out;
  };
  return { a, b, w, order, zSorted, n, d, parameterCount: 2 * n + d, merged, directionUsed, evaluate };
}

function chooseExactDirection(rows: Fraction[][], rule: ExactDirection, seed: number): { a: Fraction[]; directionUsed: string } {
  const d = (rows[0] as Fraction[]).length;
  const integral = rows.every((r) => r.every(isIntegral));
  let M = 0n;
  if (integral) for (const r of rows) for (const v of r) if ((v.n as bigint) > M) M = v.n as bigint;
  const K = 2n * M + 1n;
  const powersFit = integral && K ** BigInt(d - 1) < 2n ** 64n;
  if (rule === 'powers-of-K' || (rule === 'auto' && powersFit)) {
    if (!integral) throw new InputError('interpolateExact: direction powers-of-K needs integer data; use moment-curve or random-integer');
    const a: Fraction[] = [];
    let p = 1n;
    for (let j = 0; j < d; j++) {
      a.push(fraction(p, 1n));
      p *= K;
    }
    return { a, directionUsed: `powers-of-K (K = ${K})` };
  }
  if (rule === 'random-integer' || rule === 'auto') {
    const rng = new Rng(seed).fork('exact-direction');
    for (let draw = 1; draw <= 32; draw++) {
      const a = Array.from({ length: d }, () => fraction(rng.int(2 ** 21 + 1) - 2 ** 20));
      if (projectionsDistinct(rows, a)) return { a, directionUsed: `random-integer (seed ${seed}, draw ${draw})` };
    }
    if (rule === 'random-integer') throw new InputError('interpolateExact: 32 random integer directions collided; use moment-curve');
  }
  const maxT = (d - 1) * ((rows.length * (rows.length - 1)) / 2) + 1;
  for (let t = 1; t <= maxT; t++) {
    const tf = fraction(t);
    const a: Fraction[] = [];
    let p = ONE;
    for (let j = 0; j < d; j++) {
      a.push(p);
      p = p.mul(tf);
    }
    if (projectionsDistinct(rows, a)) return { a, directionUsed: `moment-curve (t = ${t})` };
  }
  // Unreachable for distinct rows: at most (d−1)·C(n, 2) values of t are bad.
  throw new Error(`internal: no t ≤ ${maxT} separates the points, which contradicts the degree bound`);
}

function projectionsDistinct(rows: Fraction[][], a: Fraction[]): boolean {
  const z = rows.map((r) => r.reduce((s, v, j) => (v.n === 0n ? s : s.add(v.mul(a[j] as Fraction))), ZERO)).sort((p1, p2) => p1.compare(p2));
  for (let i = 1; i < z.length; i++) if ((z[i] as Fraction).equals(z[i - 1] as Fraction)) return false;
  return true;
}
