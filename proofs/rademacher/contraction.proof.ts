import fc from 'fast-check';
import { test as propTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { exhaustiveRademacher } from '../../src/rademacher/estimate.js';
import { finiteClass, intervals, thresholds, twoSidedThresholds } from '../../src/rademacher/oracles.js';
import { finiteClassArb, linePoints } from '../arbitraries.js';
import { brute, exactMean, supsOverAll } from './helpers.js';

/** φ(t) = |t|, max(t, 0) − 2·max(t − 1, 0), |t − 1| and −t: 1-Lipschitz, integer-valued on integers. */
const phis = {
  abs: (t: number) => Math.abs(t),
  ramp: (t: number) => Math.max(t, 0) - 2 * Math.max(t - 1, 0),
  shiftedAbs: (t: number) => Math.abs(t - 1),
  flip: (t: number) => -t,
};

/**
 * Talagrand's contraction lemma (Ledoux & Talagrand 1991, Thm 4.12; Shalev-Shwartz & Ben-David 2014,
 * Lemma 26.9): R̂(φ∘F) ≤ ρ·R̂(F) for ρ-Lipschitz φ — in expectation. Per σ it is false, and the search
 * finds that. On a ±1-valued class every φ acts affinely, φ(h) = (φ(1) + φ(−1))/2 + h·(φ(1) − φ(−1))/2,
 * so there R̂(φ∘F) = ½|φ(1) − φ(−1)|·R̂(F) exactly — with equality in the lemma when φ attains its
 * Lipschitz constant between −1 and 1 (|t − 1|, −t).
 */
describe('contraction', () => {
  propTest.prop({ x: linePoints(8, true), phi: fc.constantFrom(...(Object.keys(phis) as (keyof typeof phis)[])), rho: fc.integer({ min: 1, max: 3 }) })(
    'thresholds, two-sided thresholds, intervals (the real oracles): R̂(φ∘F) = ½|φ(1) − φ(−1)|·R̂(F) ≤ ρ R̂(F), exactly',
    ({ x, phi, rho }) => {
      const f = (t: number) => rho * phis[phi](t); // ρ-Lipschitz
      const half = Math.abs(f(1) - f(-1)) / 2;
      const families = [
        [thresholds(x), 'thresholds'],
        [twoSidedThresholds(x), 'two-sided'],
        [intervals(x), 'intervals'],
      ] as const;
      for (const [oracle, family] of families) {
        const base = exhaustiveRademacher(oracle).exact!;
        const mapped = exhaustiveRademacher(finiteClass(brute(x, family).map((row) => row.map(f)))).exact!;
        expect(mapped).toEqualFraction(base.mul(half));
        expect(mapped.compare(base.mul(rho))).toBeLessThanOrEqual(0);
      }
    },
  );

  propTest.prop({ cls: finiteClassArb(8, 5), phi: fc.constantFrom(...(Object.keys(phis) as (keyof typeof phis)[])), rho: fc.integer({ min: 1, max: 3 }) })(
    'R̂(φ∘F) ≤ ρ R̂(F) exactly (φ = ρ·(1-Lipschitz map))',
    ({ cls, phi, rho }) => {
      const mapped = cls.P.map((row) => row.map((v) => rho * phis[phi](v)));
      const lhs = exactMean(supsOverAll(finiteClass(mapped)), cls.n);
      const rhs = exactMean(supsOverAll(finiteClass(cls.P)), cls.n).mul(rho);
      expect(lhs.compare(rhs)).toBeLessThanOrEqual(0);
    },
  );

  test('known-false conjecture: contraction per σ — found, shrunk and replayed', () => {
    // A flat arbitrary (no chain) shrinks every part independently: hypotheses and σ are cut to a
    // common length n.
    const classAndSigma = fc
      .record({
        P: fc.array(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }),
        sigma: fc.array(fc.constantFrom(-1, 1), { minLength: 1, maxLength: 6 }),
      })
      .map(({ P, sigma }) => {
        const n = Math.min(sigma.length, ...P.map((h) => h.length));
        return { cls: { n, P: P.map((h) => h.slice(0, n)) }, sigma: sigma.slice(0, n) };
      });
    const contractsAt = ({ cls, sigma }: { cls: { n: number; P: number[][] }; sigma: number[] }): boolean => {
      const sup = (rows: number[][]) => Math.max(...rows.map((h) => h.reduce((s, v, i) => s + sigma[i]! * v, 0)));
      return sup(cls.P.map((row) => row.map(phis.abs))) <= sup(cls.P);
    };
    const perSigma = fc.property(classAndSigma, contractsAt);
    const found = fc.check(perSigma, { seed: Number(process.env.FC_SEED), numRuns: 1000 });
    expect(found.failed).toBe(true);
    const [{ cls, sigma }] = found.counterexample!;
    console.log(`contraction per σ refuted (seed ${found.seed}, path ${found.counterexamplePath}): P = ${JSON.stringify(cls.P)}, σ = ${JSON.stringify(sigma)}`);
    // shrunk from up to 4 hypotheses × 6 points with values in ±3 to (nearly) the smallest one —
    // h = −1 on one point with σ = +1: sup Σσ|h| = 1 > sup Σσh = −1 — and it really is one
    expect(cls.P.length).toBeLessThanOrEqual(2);
    expect(cls.n).toBeLessThanOrEqual(2);
    expect(cls.P.flat().every((v) => Math.abs(v) <= 1)).toBe(true);
    expect(contractsAt({ cls, sigma })).toBe(false);
    const replay = fc.check(perSigma, { seed: found.seed, path: found.counterexamplePath!, endOnFailure: true });
    expect(replay.counterexample).toEqual(found.counterexample);
  });
});
