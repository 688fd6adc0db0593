import fc from 'fast-check';
import { test as propTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { finiteClass } from '../../src/rademacher/oracles.js';
import { finiteClassArb } from '../arbitraries.js';
import { exactMean, supsOverAll } from './helpers.js';

/** φ(t) = |t| and φ(t) = max(t, 0) − 2·max(t − 1, 0): 1-Lipschitz, integer-valued on integers. */
const phis = { abs: (t: number) => Math.abs(t), ramp: (t: number) => Math.max(t, 0) - 2 * Math.max(t - 1, 0) };

/**
 * Talagrand's contraction lemma (Ledoux & Talagrand; SSBD Lemma 26.9): R̂(φ∘F) ≤ ρ·R̂(F) for
 * ρ-Lipschitz φ — in expectation. Per σ it is false, and the search finds that.
 */
describe('contraction', () => {
  propTest.prop({ cls: finiteClassArb(8, 5), phi: fc.constantFrom('abs' as const, 'ramp' as const), rho: fc.integer({ min: 1, max: 3 }) })(
    'R̂(φ∘F) ≤ ρ R̂(F) exactly (φ = ρ·(1-Lipschitz map))',
    ({ cls, phi, rho }) => {
      const mapped = cls.P.map((row) => row.map((v) => rho * phis[phi](v)));
      const lhs = exactMean(supsOverAll(finiteClass(mapped)), cls.n);
      const rhs = exactMean(supsOverAll(finiteClass(cls.P)), cls.n).mul(rho);
      expect(lhs.compare(rhs)).toBeLessThanOrEqual(0);
    },
  );

  test('known-false conjecture: contraction per σ — found, shrunk and replayed', () => {
    const perSigma = fc.property(finiteClassArb(6, 4), fc.nat(), (cls, pick) => {
      const t = pick % 2 ** cls.n;
      const lhs = supsOverAll(finiteClass(cls.P.map((row) => row.map(phis.abs))))[t]!;
      const rhs = supsOverAll(finiteClass(cls.P))[t]!;
      return lhs <= rhs;
    });
    const found = fc.check(perSigma, { seed: Number(process.env.FC_SEED), numRuns: 1000 });
    expect(found.failed).toBe(true);
    const [cls] = found.counterexample!;
    console.log(`contraction per σ refuted (seed ${found.seed}, path ${found.counterexamplePath}): P = ${JSON.stringify(cls.P)}`);
    expect(cls.P.length * cls.n).toBeLessThanOrEqual(2); // shrunk to a single hypothesis on one point
    const replay = fc.check(perSigma, { seed: found.seed, path: found.counterexamplePath!, endOnFailure: true });
    expect(replay.counterexample).toEqual(found.counterexample);
  });
});
