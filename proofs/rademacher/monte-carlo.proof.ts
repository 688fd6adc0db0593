import { describe, expect, test } from 'vitest';
import { estimateRademacher, exhaustiveRademacher } from '../../src/rademacher/estimate.js';
import { intervals, thresholds } from '../../src/rademacher/oracles.js';
import { binomialUpperQuantile } from './helpers.js';

/**
 * McDiarmid: the m-draw estimate lies within t = c·√(2 ln(2/δ)/(nm)) of the exact value except with
 * probability ≤ δ. Counted over seeded trials against the exact value (both conventions): the number
 * of misses must stay within the binomial tolerance of δ (exceeded by a correct half-width with
 * probability ≤ 10^−3), and the half-width must be conservative as a distribution-free bound is,
 * but not absurdly: between 2× and 4× the empirical (1 − δ)-quantile of the error (2.6–3.3× for these
 * classes; the trials are seeded, so these ratios are reproducible). A half-width off by a factor 2
 * either way fails.
 */
describe('Monte Carlo estimates and their half-widths', () => {
  const trials = 400;
  for (const convention of ['zhang', 'bartlett-mendelson'] as const) {
    test(`coverage over ${trials} seeded trials: misses within binomial(δ), half-width 2–4 × the empirical error quantile (${convention})`, () => {
      const x = Array.from({ length: 12 }, (_, i) => i);
      const delta = 0.2;
      const allowed = binomialUpperQuantile(trials, delta, 1e-3);
      for (const oracle of [thresholds(x), intervals(x)]) {
        const exact = exhaustiveRademacher(oracle, convention).value;
        let misses = 0;
        let sumWidth = 0;
        const errors: number[] = [];
        for (let seed = 1; seed <= trials; seed++) {
          const e = estimateRademacher(oracle, { draws: 20, delta, seed, convention });
          const err = Math.abs(e.estimate - exact);
          if (err >= e.halfWidth) misses++;
          sumWidth += e.halfWidth;
          errors.push(err);
        }
        errors.sort((p, q) => p - q);
        const quantile = errors[Math.ceil((1 - delta) * trials) - 1]!; // empirical (1 − δ)-quantile of |error|
        const width = sumWidth / trials;
        console.log(
          `${oracle.name} (${convention}): exact ${exact.toFixed(4)}, coverage ${(1 - misses / trials).toFixed(3)} (nominal ≥ ${1 - delta}, ${misses} misses, ` +
            `allowed ${allowed}), half-width ${width.toFixed(3)} = ${(width / quantile).toFixed(2)} × the empirical ${1 - delta}-quantile ${quantile.toFixed(3)}`,
        );
        expect(misses).toBeLessThanOrEqual(allowed);
        expect(width / quantile).toBeGreaterThanOrEqual(2);
        expect(width / quantile).toBeLessThanOrEqual(4);
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
