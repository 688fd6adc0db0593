import { describe, expect, test } from 'vitest';
import { mohriBound, ssbdBound } from '../../src/rademacher/bounds.js';
import { estimateRademacher } from '../../src/rademacher/estimate.js';
import { thresholds } from '../../src/rademacher/oracles.js';
import { Rng } from '../../src/random/rng.js';
import { binomialUpperQuantile } from './helpers.js';

/**
 * The generalization bounds of Shalev-Shwartz & Ben-David (2014, Thm 26.5) and Mohri, Rostamizadeh &
 * Talwalkar (2018, Thm 3.3) hold with probability ≥ 1 − δ; checked statistically where the true
 * risk is known exactly: x ~ U[0, 1], y = sign(x − ½) flipped with probability η; for the threshold
 * classifier h_t (+1 iff x ≥ t) the risk is η + (1 − 2η)|t − ½|. At m = 4000, η = 0.3 both bounds are
 * informative — non-vacuous and within a factor 2 of the risk — and their violations over seeded
 * trials must stay within the binomial tolerance of δ (exceeded by a correct bound with probability
 * ≤ 10^−3). Two classes: thresholds with ERM's choice, and the single classifier h_½ (R̂ = 0, risk η),
 * where only the confidence term separates the bound from the training loss, so a bound without it
 * is violated in about half the trials.
 */
describe('generalization bounds on a problem with known risk', () => {
  test('ERM over thresholds and the single classifier h_½: both bounds informative (non-vacuous, ≤ 2 × risk) and violated in at most a binomial(δ) share of trials', () => {
    const m = 4000;
    const eta = 0.3;
    const delta = 0.1;
    const trials = 200;
    // R̂ of thresholds on m distinct points (it depends on m only), estimated with an upper confidence
    // margin; the 0–1 loss class has R̂(ℓ∘H) = R̂(H)/2 since ℓ = (1 − y·h)/2.
    const x0 = Array.from({ length: m }, (_, i) => i);
    const r = estimateRademacher(thresholds(x0), { draws: 2000, seed: 9 });
    const rLoss = (r.estimate + r.halfWidth) / 2;
    const violations = { ssbd: 0, mohri: 0, ssbdSingle: 0, mohriSingle: 0 };
    const ratio = { ssbd: 0, mohri: 0, ssbdSingle: 0, mohriSingle: 0 };
    for (let trial = 0; trial < trials; trial++) {
      const rng = new Rng(1000 + trial);
      const pts = Array.from({ length: m }, () => {
        const x = rng.uniform();
        const y = (x >= 0.5 ? 1 : -1) * (rng.uniform() < eta ? -1 : 1);
        return { x, y };
      }).sort((p, q) => p.x - q.x);
      // ERM over thresholds h_t(x) = +1 iff x ≥ t: scan the cut positions
      let errors = pts.filter((p) => p.y === -1).length; // t below every point: all predicted +1
      let best = errors;
      let bestT = 0;
      for (let k = 0; k < m; k++) {
        errors += pts[k]!.y === 1 ? 1 : -1; // point k now predicted −1
        if (errors < best) {
          best = errors;
          bestT = k + 1 < m ? (pts[k]!.x + pts[k + 1]!.x) / 2 : 1;
        }
      }
      const trainLoss = best / m;
      const risk = eta + (1 - 2 * eta) * Math.abs(bestT - 0.5);
      const singleLoss = pts.filter((p) => p.y !== (p.x >= 0.5 ? 1 : -1)).length / m; // h_½: risk η exactly
      const cases = {
        ssbd: [ssbdBound(trainLoss, rLoss, m, delta), risk],
        mohri: [mohriBound(trainLoss, rLoss, m, delta), risk],
        ssbdSingle: [ssbdBound(singleLoss, 0, m, delta), eta],
        mohriSingle: [mohriBound(singleLoss, 0, m, delta), eta],
      } as const;
      for (const name of Object.keys(cases) as (keyof typeof cases)[]) {
        const [bound, truth] = cases[name];
        expect(bound.vacuous).toBe(false);
        ratio[name] += bound.value / truth / trials;
        if (truth > bound.value) violations[name]++;
      }
    }
    const allowed = binomialUpperQuantile(trials, delta, 1e-3);
    console.log(`m = ${m}, η = ${eta}, δ = ${delta}, ${trials} trials, allowed violations ${allowed}; violations / mean bound÷risk: ${Object.keys(violations).map((k) => `${k} ${violations[k as keyof typeof violations]} / ${ratio[k as keyof typeof ratio].toFixed(2)}`).join(', ')}`);
    for (const name of Object.keys(violations) as (keyof typeof violations)[]) {
      expect(violations[name]).toBeLessThanOrEqual(allowed);
      expect(ratio[name]).toBeLessThanOrEqual(2);
      expect(ratio[name]).toBeGreaterThan(1);
    }
  });
});
