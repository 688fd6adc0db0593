import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { gaussianClusters } from '../../src/data/synthetic.js';
import { ridgeStability } from '../../src/rademacher/stability.js';
import { randomLabels } from '../../src/randomization/labels.js';

/**
 * Uniform stability (Bousquet & Elisseeff 2002, Thm 22): ridge regression with regularizer λ‖w‖²
 * is β-stable with β ≤ σ²κ²/(2λm). The empirical β̂ (coupled retraining with one point replaced) is
 * a lower bound on β, so it never exceeds the bound. Being a property of the algorithm, the bound is
 * the same for true and random labels (paper §2.2): both are checked.
 */
describe('uniform stability of ridge regression', () => {
  test.prop({ seed: fc.integer({ min: 1, max: 10_000 }), lambda: fc.constantFrom(0.1, 1, 10), m: fc.constantFrom(30, 80) }, { numRuns: 12 })(
    'β̂ ≤ σ²κ²/(2λm), for true and for random labels',
    ({ seed, lambda, m }) => {
      const d = 4;
      const data = gaussianClusters(m + 40, d, 3, seed);
      const rows = (from: number, to: number) => ({ rows: to - from, cols: d, data: data.X.data.slice(from * d, to * d) });
      const scale = (v: Float64Array) => v.map((c) => c - 1); // labels in {−1, 0, 1}
      const yTrue = scale(data.y);
      const yRandom = scale(randomLabels(m + 40, 3, seed));
      let kappa = 0;
      for (let i = 0; i < m + 40; i++) kappa = Math.max(kappa, Math.hypot(...data.X.data.subarray(i * d, (i + 1) * d)));
      const Y = 1;
      const sigma = 2 * ((kappa * Y) / Math.sqrt(lambda) + Y); // Lipschitz constant of (f − y)² on the range ridge reaches
      const betas = [yTrue, yRandom].map((y) => {
        const est = ridgeStability(rows(0, m), y.slice(0, m), { X: rows(m, m + 20), y: y.slice(m, m + 20) }, { X: rows(m + 20, m + 40), y: y.slice(m + 20) }, {
          lambda,
          kappa,
          sigmaLipschitz: sigma,
          seed,
          replacements: 10,
        });
        expect(est.betaHat).toBeLessThanOrEqual(est.betaBound);
        return est.betaHat;
      });
      expect(betas[0]).toBeGreaterThan(0);
    },
  );
});
