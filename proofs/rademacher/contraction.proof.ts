import fc from 'fast-check';
import { test as propTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { contractionPerSigma } from '../../src/conjectures/builtins/rademacher.js';
import { search } from '../../src/conjectures/search.js';
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
