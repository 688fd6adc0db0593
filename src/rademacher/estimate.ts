import { fraction } from 'mathjs';
import { InputError } from '../errors.js';
import type { Fraction } from '../exact/fraction.js';
import { Rng } from '../random/rng.js';
import { checkDelta } from './bounds.js';
import type { SupKind, SupOracle } from './oracles.js';
import { lazyPool, type JobRunner, type LazyPool } from './parallel.js';
import { MAX_EXACT_N, signVectors } from './signs.js';

/**
 * Which definition of empirical Rademacher complexity:
 * - `zhang` — the paper's Eq. 1: R̂ = E_σ sup_h (1/n) Σ σ_i h(x_i).
 * - `bartlett-mendelson` — Bartlett & Mendelson (2002): R̂ = E_σ sup_h |(2/n) Σ σ_i h(x_i)|.
 */
export type Convention = 'zhang' | 'bartlett-mendelson';

/** Exact enumeration of all 2^n sign vectors is offered up to this n; {@link signVectors} enumerates them. */
export { MAX_EXACT_N, signVectors };

/** `m` seeded sign vectors, (m, n), entries ±1: 32 signs from each 32-bit draw. */
export function drawSigns(n: number, m: number, rng: Rng): Int8Array {
  const sigma = new Int8Array(m * n);
  for (let t = 0; t < sigma.length; t += 32) {
    const bits = rng.nextUint32();
    const end = Math.min(32, sigma.length - t);
    for (let b = 0; b < end; b++) sigma[t + b] = (bits >>> b) & 1 ? 1 : -1;
  }
  return sigma;
}

/** Per-draw values of the chosen convention from the sups at σ (and at −σ): (1/n)·sup, or (2/n)·max(sup(σ), sup(−σ)). */
function valuesFrom(n: number, sup: Float64Array, supNeg: Float64Array | null): Float64Array {
  if (supNeg === null) return sup.map((v) => v / n);
  // sup_h |Σσh| = max(sup_h Σσh, sup_h Σ(−σ)h)
  return sup.map((v, t) => (2 * Math.max(v, supNeg[t] as number)) / n);
}

/**
 * A Monte Carlo estimate with its confidence limits: two-sided (McDiarmid) when the oracle's values
 * are the sups, one-sided — a lower bound only — when they are found from below (`supKind: 'lower'`).
 */
export interface RademacherEstimate {
  readonly estimate: number;
  /**
   * `exact` oracles: t = c·√(2 ln(2/δ)/(n m)), |estimate − R̂| < t with probability ≥ 1 − δ.
   * `lower` oracles: the one-sided width t = c·√(2 ln(1/δ)/m), R̂ > estimate − t with probability ≥ 1 − δ.
   */
  readonly halfWidth: number;
  /** Whether the values are the sups (`exact`) or found from below (`lower`). */
  readonly supKind: SupKind;
  /** estimate − halfWidth: R̂ lies above it with probability ≥ 1 − δ. */
  readonly lower: number;
  /** estimate + halfWidth for `exact` oracles; null for `lower` ones, whose values say nothing about how far the sup is above them. */
  readonly upper: number | null;
  readonly delta: number;
  readonly draws: number;
  readonly n: number;
  readonly convention: Convention;
  readonly seed: number;
  /** Each draw's value. */
  readonly values: Float64Array; // (m)
}

/** Options of {@link estimateRademacher} and {@link estimateRademacherAsync}. */
export interface EstimateOptions {
  /** sign vectors m (default 1000) */
  draws?: number;
  /** confidence: the half-width holds with probability ≥ 1 − δ (default 0.05) */
  delta?: number;
  /** seed of the sign vectors (default 1) */
  seed?: number;
  /** default `zhang` */
  convention?: Convention;
}

/** The checked options and the seeded sign vectors σ (m, n) of an estimate, and −σ when the convention needs it. */
function plan(oracle: SupOracle, options: EstimateOptions): { m: number; delta: number; seed: number; convention: Convention; sigma: Int8Array; negated: Int8Array | null } {
  const m = options.draws ?? 1000;
  const delta = options.delta ?? 0.05;
  const seed = options.seed ?? 1;
  const convention = options.convention ?? 'zhang';
  if (!Number.isInteger(m) || m < 1) throw new InputError(`draws must be a positive integer, got ${m}`);
  checkDelta(delta);
  const sigma = drawSigns(oracle.n, m, new Rng(seed).fork('sigma')); // (m, n)
  return { m, delta, seed, convention, sigma, negated: convention === 'zhang' ? null : Int8Array.from(sigma, (s) => -s) };
}

/** The estimate from the sups at σ (and −σ). */
function summarize(oracle: SupOracle, p: ReturnType<typeof plan>, sup: Float64Array, supNeg: Float64Array | null): RademacherEstimate {
  const { m, delta, seed, convention } = p;
  const n = oracle.n;
  const values = valuesFrom(n, sup, supNeg); // (m)
  let sum = 0;
  for (let t = 0; t < m; t++) sum += values[t] as number;
  const c = (convention === 'zhang' ? 1 : 2) * oracle.range;
  const estimate = sum / m;
  const supKind = oracle.supKind ?? 'exact';
  const halfWidth = supKind === 'exact' ? mcdiarmidHalfWidth(c, n, m, delta) : hoeffdingLowerWidth(c, m, delta);
  return { estimate, halfWidth, supKind, lower: estimate - halfWidth, upper: supKind === 'exact' ? estimate + halfWidth : null, delta, draws: m, n, convention, seed, values };
}

/**
 * Estimates the empirical Rademacher complexity over m seeded sign vectors, with the McDiarmid
 * half-width (McDiarmid 1989; derivation in docs/theory.md §3.3): each σ_i moves the per-draw value by at most 2c/n (Eq. 1; twice that
 * in the Bartlett–Mendelson form), so P(|R̂_m − R̂| ≥ t) ≤ 2·exp(−n m t² / (2c²)) and
 * t = c·√(2 ln(2/δ)/(n m)) with c = range (Eq. 1) or 2·range (Bartlett–Mendelson). For an oracle
 * whose values are only found from below (`supKind: 'lower'`) the result is a one-sided lower bound
 * with the width of {@link hoeffdingLowerWidth}. Runs on this thread; {@link estimateRademacherAsync}
 * gives the same result using a worker pool.
 *
 * @param oracle - the class's supremum oracle on the sample
 * @param options - draws m (default 1000), δ (default 0.05), seed, convention (default `zhang`)
 * @example
 * estimateRademacher(thresholds(x), { draws: 2000, seed: 1 }).estimate; // ≈ exact value
 */
export function estimateRademacher(oracle: SupOracle, options: EstimateOptions = {}): RademacherEstimate {
  const p = plan(oracle, options);
  const sup = oracle.supBatch(p.sigma, p.m);
  return summarize(oracle, p, sup, p.negated && oracle.supBatch(p.negated, p.m));
}

/**
 * {@link estimateRademacher} with the oracle's heavy part on a worker pool where it has one
 * (`supBatchAsync`: the linear classes, when the batch is large enough to pay for it). The result is
 * identical, bit for bit. A job that throws or a worker that dies rejects the returned promise.
 *
 * @param oracle - the class's supremum oracle on the sample
 * @param options - as {@link estimateRademacher}, and `pool`: the pool to use, which the caller owns
 *   and closes (default: one opened on first use and closed before this returns)
 * @example
 * const pool = new WorkerPool();
 * const e = await estimateRademacherAsync(linearL2(X, 1), { draws: 1000, seed: 1, pool });
 * await pool.close();
 */
export async function estimateRademacherAsync(oracle: SupOracle, options: EstimateOptions & { pool?: JobRunner } = {}): Promise<RademacherEstimate> {
  const p = plan(oracle, options);
  const supBatchAsync = oracle.supBatchAsync?.bind(oracle);
  if (supBatchAsync === undefined) return summarize(oracle, p, oracle.supBatch(p.sigma, p.m), p.negated && oracle.supBatch(p.negated, p.m));
  const own = options.pool === undefined ? lazyPool() : null;
  const pool = options.pool ?? (own as LazyPool);
  try {
    const sup = await supBatchAsync(p.sigma, p.m, pool);
    return summarize(oracle, p, sup, p.negated && (await supBatchAsync(p.negated, p.m, pool)));
  } finally {
    await own?.close();
  }
}

/**
 * McDiarmid's two-sided half-width t = c·√(2 ln(2/δ)/(n m)) for the mean of m draws of a sup over n
 * signs, each sign moving the draw's value by at most 2c/n.
 *
 * @example
 * mcdiarmidHalfWidth(1, 100, 1000, 0.05); // ≈ 0.0086
 */
export function mcdiarmidHalfWidth(c: number, n: number, m: number, delta: number): number {
  checkDelta(delta);
  return c * Math.sqrt((2 * Math.log(2 / delta)) / (n * m));
}

/**
 * The one-sided width t = c·√(2 ln(1/δ)/m) of a lower confidence limit for the mean of m draws
 * with values in [−c, c] (Hoeffding 1963, Thm 2: P(mean − E ≤ −t) ≤ exp(−2m t²/(2c)²)). For values
 * found from below — a network fitted by search, a sampled subclass — McDiarmid's bounded
 * differences over the n·m signs fail (one sign can change what the search finds), so only the m
 * draws count: the width is about √n times McDiarmid's.
 *
 * @param c - the values lie in [−c, c] (c = range for Eq. 1, 2·range for Bartlett–Mendelson)
 * @example
 * hoeffdingLowerWidth(1, 1000, 0.05); // ≈ 0.0774: R̂ > estimate − 0.0774 with probability ≥ 0.95
 */
export function hoeffdingLowerWidth(c: number, m: number, delta: number): number {
  checkDelta(delta);
  return c * Math.sqrt((2 * Math.log(1 / delta)) / m);
}

/** The value over all 2^n sign vectors: exact as a Fraction for integer-valued classes. */
export interface ExhaustiveValue {
  /** R̂ — or, for a `lower` oracle, the mean of its values: a lower bound on R̂, without sampling error. */
  readonly value: number;
  /** The exact rational value, or null when the class's sups are not integers (square roots, reals). */
  readonly exact: Fraction | null;
  readonly n: number;
  readonly convention: Convention;
  /** `exact`: value is R̂; `lower`: value ≤ R̂. */
  readonly supKind: SupKind;
}

/**
 * Enumerates all 2^n sign vectors (n ≤ 20), 4096 at a time in the order of {@link signVectors}. For
 * integer-valued classes (thresholds, intervals, ±1 finite classes, all functions, Theorem 1
 * networks) the sum of sups is an integer and the result is the exact rational Σ_σ sup / (n·2^n)
 * (times 2 for Bartlett–Mendelson).
 *
 * @example
 * exhaustiveRademacher(thresholds([1, 2, 3])).exact?.toFraction(); // '2/3'
 */
export function exhaustiveRademacher(oracle: SupOracle, convention: Convention = 'zhang'): ExhaustiveValue {
  const n = oracle.n;
  if (n > MAX_EXACT_N) {
    throw new InputError(`exact enumeration of 2^n sign vectors is limited to n ≤ ${MAX_EXACT_N} (got n = ${n}); use Monte Carlo draws instead (--draws m)`);
  }
  const total = 2 ** n;
  const batch = Math.min(total, 4096);
  const sigma = new Int8Array(batch * n);
  let sum = 0; // exact: integers below 2^53 when integerValued (|sup| ≤ n·c·2^n ≤ 20·2^20·c)
  let sumBig = 0n;
  for (let start = 0; start < total; start += batch) {
    const m = Math.min(batch, total - start);
    signVectors(n, start, m, sigma); // (m, n): the vectors of indices start … start + m − 1
    const sup = oracle.supBatch(sigma.subarray(0, m * n), m);
    const supNeg = convention === 'zhang' ? null : oracle.supBatch(Int8Array.from(sigma.subarray(0, m * n), (s) => -s), m);
    for (let t = 0; t < m; t++) {
      const v = supNeg ? Math.max(sup[t] as number, supNeg[t] as number) : (sup[t] as number);
      sum += v;
      if (oracle.integerValued) {
        if (!Number.isInteger(v)) throw new Error(`internal: ${oracle.name} declared integer-valued but gave ${v}`);
        sumBig += BigInt(v);
      }
    }
  }
  const factor = convention === 'zhang' ? 1 : 2;
  const exact = oracle.integerValued ? fraction(BigInt(factor) * sumBig, BigInt(n) * BigInt(total)) : null;
  return { value: (factor * sum) / (n * total), exact, n, convention, supKind: oracle.supKind ?? 'exact' };
}
