import { describe, expect, test } from 'vitest';
import { mohriBound, ssbdBound } from '../../src/rademacher/bounds.js';
import { estimateRademacher } from '../../src/rademacher/estimate.js';
import { thresholds } from '../../src/rademacher/oracles.js';
import { Rng } from '../../src/random/rng.js';

/**
 * The generalization bounds hold with probability ≥ 1 − δ, checked statistically where the true risk
 * is known exactly: x ~ U[0, 1], y = sign(x − ½) flipped with probability η; for the threshold
 * classifier h_t the risk is η + (1 − 2η)|t − ½|. The bound must hold for ERM's choice in all but a
 * δ fraction of seeded trials.
 */
describe('generalization bounds on a problem with known risk', () => {
  test('violation rate of both bounds for ERM over thresholds is ≤ δ', () => {
    const m = 200;
    const eta = 0.2;
    const delta = 0.1;
    const trials = 200;
    // R̂ of thresholds on m distinct points (depends on m only), estimated with an upper confidence
    // margin; the 0–1 loss class has R̂(ℓ∘H) = R̂(H)/2 since ℓ = (1 − y·h)/2.
    const x0 = Array.from({ length: m }, (_, i) => i);
    const r = estimateRademacher(thresholds(x0), { draws: 4000, seed: 9 });
    const rLoss = (r.estimate + r.halfWidth) / 2;
    let violations = 0;
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
      const a = ssbdBound(trainLoss, rLoss, m, delta);
      const b = mohriBound(trainLoss, rLoss, m, delta);
      if (risk > a.value || risk > b.value) violations++;
    }
    expect(violations / trials).toBeLessThanOrEqual(delta);
  });
});
