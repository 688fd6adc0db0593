import { describe, expect, test } from 'vitest';
import { estimateRademacher, exhaustiveRademacher } from '../../src/rademacher/estimate.js';
import { intervals, thresholds } from '../../src/rademacher/oracles.js';

/**
 * McDiarmid: the m-draw estimate lies within t = c·√(2 ln(2/δ)/(nm)) of the exact value except with
 * probability ≤ δ. Counted over seeded trials against the exact value (both conventions).
 */
describe('Monte Carlo estimates and their half-widths', () => {
  const trials = 300;
  for (const convention of ['zhang', 'bartlett-mendelson'] as const) {
    test(`the miss rate over ${trials} seeded trials is at most δ (${convention})`, () => {
      const x = Array.from({ length: 12 }, (_, i) => i);
      for (const oracle of [thresholds(x), intervals(x)]) {
        const exact = exhaustiveRademacher(oracle, convention).value;
        const delta = 0.2;
        let misses = 0;
        let sumWidth = 0;
        for (let seed = 1; seed <= trials; seed++) {
          const e = estimateRademacher(oracle, { draws: 20, delta, seed, convention });
          if (Math.abs(e.estimate - exact) >= e.halfWidth) misses++;
          sumWidth += e.halfWidth;
        }
        console.log(`${oracle.name} (${convention}): exact ${exact.toFixed(4)}, misses ${misses}/${trials} at δ = ${delta}, half-width ${(sumWidth / trials).toFixed(3)}`);
        expect(misses / trials).toBeLessThanOrEqual(delta);
      }
    });
  }
  test('the estimate converges: 20,000 draws land within their (small) half-width', () => {
    const oracle = thresholds(Array.from({ length: 8 }, (_, i) => i));
    const e = estimateRademacher(oracle, { draws: 20000, seed: 3 });
    expect(Math.abs(e.estimate - 467 / 1024)).toBeLessThan(e.halfWidth);
    expect(e.halfWidth).toBeLessThan(0.01);
  });
});
