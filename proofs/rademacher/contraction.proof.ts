import fc from 'fast-check';
import { test as propTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { contractionPerSigma } from '../../src/conjectures/builtins/rademacher.js';
import { search } from '../../src/conjectures/search.js';
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

  test('known-false conjecture: contraction per σ — found, shrunk and replayed', async () => {
    const found = await search(contractionPerSigma, { seed: Number(process.env.FC_SEED), target: false });
    if (found.verdict !== 'refuted') throw new Error(`contraction-per-sigma ${found.verdict}`);
    const { P, sigma } = found.counterexample;
    console.log(`contraction per σ refuted (seed ${found.seed}, path ${found.path}): P = ${JSON.stringify(P)}, σ = ${JSON.stringify(sigma)}`);
    // shrunk from up to 4 hypotheses × 6 points with values in ±3 to (nearly) the smallest one —
    // h = −1 on one point with σ = +1: sup Σσ|h| = 1 > sup Σσh = −1 — and it really is one
    expect(P.length).toBeLessThanOrEqual(2);
    expect(sigma.length).toBeLessThanOrEqual(2);
    expect(P.flat().every((v) => Math.abs(v) <= 1)).toBe(true);
    expect(contractionPerSigma.predicate({ P, sigma })).toBe(false);
    const replay = await search(contractionPerSigma, { seed: found.seed, path: found.path });
    expect(replay).toMatchObject({ verdict: 'refuted', counterexample: found.counterexample });
  });
});
