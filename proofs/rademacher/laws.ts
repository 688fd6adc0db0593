/**
 * The law properties of the class registry (src/rademacher/classes.ts, `LAWS`), one check per law,
 * and the random small samples they are checked on. registry.proof.ts runs, for every class, the
 * check of every law it claims; `LAW_CHECKS` is a record over all laws, so a law without a check
 * does not compile.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Matrix } from '../../src/data/matrix.js';
import { classOptions, type ClassOptions, type ClassSpec, type Law } from '../../src/rademacher/classes.js';
import { exhaustiveRademacher } from '../../src/rademacher/estimate.js';
import { Rng } from '../../src/random/rng.js';
import { allSigns, supsAtMinusSigma, supsOverAll } from './helpers.js';

/** What a law check is given: the class, a sample X (n, d), its options, and a seed for the check's own choices. */
export type LawCheck = (spec: ClassSpec, X: Matrix, options: ClassOptions, seed: number) => void;

/** Float rounding in a bound's or a sum's own evaluation. */
const slack = (v: number): number => v * (1 + 1e-12) + 1e-12;

/** Equal entry by entry: exactly for integer-valued classes, to 1e-12 relative otherwise (sums taken in another order). */
function expectSame(a: Float64Array, b: Float64Array, exactly: boolean, what: string): void {
  if (exactly) {
    expect(Array.from(a), what).toEqual(Array.from(b));
    return;
  }
  expect(a.length, what).toBe(b.length);
  a.forEach((v, t) => expect(Math.abs(v - b[t]!), `${what}, σ #${t}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v))));
}

export const LAW_CHECKS: Record<Law, LawCheck> = {
  range(spec, X, o) {
    const { oracle } = spec.build(X, o);
    const { n, range: c } = oracle;
    for (const v of supsOverAll(oracle)) expect(Math.abs(v)).toBeLessThanOrEqual(slack(n * c));
    const { value, exact } = exhaustiveRademacher(oracle);
    expect(value).toBeLessThanOrEqual(slack(c));
    if (spec.supKind === 'exact') expect(value).toBeGreaterThanOrEqual(-1e-12 * c); // E sup ≥ sup E = 0 (values found from below need not be)
    if (exact !== null && spec.supKind === 'exact') expect(exact.compare(0)).toBeGreaterThanOrEqual(0);
    if (exact !== null && Number.isInteger(c)) expect(exact.compare(c)).toBeLessThanOrEqual(0);
  },

  bounds(spec, X, o) {
    const { oracle, bounds } = spec.build(X, o);
    const value = exhaustiveRademacher(oracle).value;
    expect(Object.keys(bounds).length).toBeGreaterThan(0);
    for (const [name, bound] of Object.entries(bounds)) {
      if (!name.startsWith('lower')) expect(value, name).toBeLessThanOrEqual(slack(bound));
      else if (spec.supKind === 'exact') expect(bound, name).toBeLessThanOrEqual(slack(value)); // a value found from below may lie under a lower bound
    }
  },

  symmetric(spec, X, o) {
    const { oracle } = spec.build(X, o);
    expect(Array.from(supsAtMinusSigma(oracle))).toEqual(Array.from(supsOverAll(oracle)));
    expect(exhaustiveRademacher(oracle, 'bartlett-mendelson').value).toBe(2 * exhaustiveRademacher(oracle).value);
  },

  permutation(spec, X, o, seed) {
    const { rows: n, cols: d } = X;
    const perm = new Rng(seed).shuffle(Array.from({ length: n }, (_, i) => i)); // row k of X′ is row perm[k] of X
    const permuted: Matrix = { rows: n, cols: d, data: new Float64Array(n * d) };
    perm.forEach((from, k) => permuted.data.set(X.data.subarray(from * d, (from + 1) * d), k * d));
    const oracle = spec.build(X, o).oracle;
    const signs = allSigns(n); // (2^n, n)
    const moved = new Int8Array(signs.length); // σ′_k = σ_perm[k]: the same signs on the same points
    for (let t = 0; t < 2 ** n; t++) perm.forEach((from, k) => (moved[t * n + k] = signs[t * n + from]!));
    expectSame(spec.build(permuted, o).oracle.supBatch(moved, 2 ** n), oracle.supBatch(signs, 2 ** n), oracle.integerValued, 'sup on permuted points');
  },

  'radius-scaling'(spec, X, o) {
    const once = supsOverAll(spec.build(X, o).oracle);
    const twice = supsOverAll(spec.build(X, { ...o, B: 2 * o.B }).oracle);
    expect(Array.from(twice)).toEqual(Array.from(once, (v) => 2 * v)); // ×2 is exact in float64
  },

  'exact-fraction'(spec, X, o) {
    const { oracle } = spec.build(X, o);
    expect(oracle.integerValued).toBe(true);
    for (const v of supsOverAll(oracle)) expect(Number.isInteger(v)).toBe(true);
    for (const convention of ['zhang', 'bartlett-mendelson'] as const) {
      const { value, exact } = exhaustiveRademacher(oracle, convention);
      expect(exact).not.toBeNull();
      expect(Math.abs(exact!.valueOf() - value)).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(value)));
    }
  },
};

/**
 * Small samples a class is checked on, enumerable (2^n ≤ 256): integer points, so that sums are
 * exact in float64 and laws that hold exactly can be checked with toEqual. Classes on the line get
 * one column (n ≤ 8), the others n ≤ 7 points in d ≤ 3; points repeat unless the class needs them
 * distinct.
 */
export function classSample(spec: ClassSpec): fc.Arbitrary<Matrix> {
  const distinct = spec.distinctPoints === true;
  if (spec.oneDimensional === true) {
    const value = fc.integer({ min: -5, max: 5 });
    const xs = distinct ? fc.uniqueArray(value, { minLength: 1, maxLength: 8 }) : fc.array(value, { minLength: 1, maxLength: 8 });
    return xs.map((x) => ({ rows: x.length, cols: 1, data: Float64Array.from(x) }));
  }
  return fc.integer({ min: 1, max: 3 }).chain((d) => {
    const row = fc.array(fc.integer({ min: -6, max: 6 }), { minLength: d, maxLength: d });
    const rows = distinct ? fc.uniqueArray(row, { minLength: 1, maxLength: 7, selector: (r) => r.join(',') }) : fc.array(row, { minLength: 1, maxLength: 7 });
    return rows.map((r) => ({ rows: r.length, cols: d, data: Float64Array.from(r.flat()) }));
  });
}

/** The classes' options, small: radius 1 … 3, γ ∈ {¼, ½, 1}, degree 1 … 3, 1 … 6 hypotheses, any seed. */
export const classOptionsArb: fc.Arbitrary<ClassOptions> = fc
  .record({
    B: fc.integer({ min: 1, max: 3 }),
    gamma: fc.constantFrom(0.25, 0.5, 1),
    degree: fc.integer({ min: 1, max: 3 }),
    hypotheses: fc.integer({ min: 1, max: 6 }),
    seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  })
  .map((o) => classOptions(o));
