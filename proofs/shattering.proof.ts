import { test } from '@fast-check/vitest';
import { describe, expect, test as plainTest } from 'vitest';
import { interpolateExact } from '../src/expressivity/exact.js';
import { ONE, type Fraction } from '../src/exact/fraction.js';
import { integerSample } from './arbitraries.js';

const clip = (v: Fraction): Fraction => (v.compare(1) > 0 ? ONE : v.compare(-1) < 0 ? ONE.neg() : v);

/**
 * Corollary of Theorem 1: with outputs clipped to [−1, 1], two-layer ReLU networks realise every one
 * of the 2^n sign vectors on n distinct points — the class shatters the sample, so its empirical
 * Rademacher complexity there is exactly 1 (Zhang et al. 2017, §2.2 and §4). Checked exhaustively for n ≤ 10.
 */
describe('Theorem 1 ⇒ the class shatters every sample of distinct points', () => {
  test.prop({ sample: integerSample(10, 3) }, { numRuns: 12 })('all 2^n sign vectors are fitted exactly', ({ sample }) => {
    const n = sample.n;
    for (let mask = 0; mask < 2 ** n; mask++) {
      const sigma = Array.from({ length: n }, (_, i) => ((mask >> i) & 1 ? 1 : -1));
      const net = interpolateExact(sample.X, sigma);
      sample.X.forEach((x, i) => expect(clip(net.evaluate(x))).toEqualFraction(sigma[i] as number));
    }
  });
  plainTest('n = 10 points in d = 2: each of the 1024 sign vectors, exhaustively', () => {
    const X = Array.from({ length: 10 }, (_, i) => [i * i - 20, i % 3]);
    for (let mask = 0; mask < 1024; mask++) {
      const sigma = X.map((_, i) => ((mask >> i) & 1 ? 1 : -1));
      const net = interpolateExact(X, sigma);
      X.forEach((x, i) => expect(clip(net.evaluate(x))).toEqualFraction(sigma[i] as number));
    }
  });
});
