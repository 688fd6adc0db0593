import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { exhaustiveRademacher } from '../../src/rademacher/estimate.js';
import { finiteClass, intervals, linearL1, thresholds } from '../../src/rademacher/oracles.js';
import { finiteClassArb, linePoints } from '../arbitraries.js';
import { allSigns, brute, exactMean, supsOverAll } from './helpers.js';

/** Integer points (n ≤ 7, d ≤ 3). */
const points = fc
  .integer({ min: 1, max: 3 })
  .chain((d) => fc.array(fc.array(fc.integer({ min: -6, max: 6 }), { minLength: d, maxLength: d }), { minLength: 1, maxLength: 7 }));

/** The 2d vertices ±B·e_j of the ℓ1 ball as predictions on X: rows ±B·(x_1j, …, x_nj). (2d, n) */
function l1Vertices(X: number[][], B: number): number[][] {
  return X[0]!.flatMap((_, j) => [X.map((row) => B * row[j]!), X.map((row) => -B * row[j]!)]);
}

/** {f + g : f ∈ F, g ∈ G} for finite classes given by their rows. */
function sumSet(F: number[][], G: number[][]): number[][] {
  return F.flatMap((f) => G.map((g) => f.map((v, i) => v + g[i]!)));
}

/**
 * Convex hull R̂(conv F) = R̂(F) and Minkowski sum R̂(F + G) = R̂(F) + R̂(G), both per σ
 * (Bartlett & Mendelson 2002, Thm 12; Shalev-Shwartz & Ben-David 2014, Lemma 26.7). Checked on the
 * project's oracles where the hull or the sum is again a class we can list: the ℓ1 ball is the convex
 * hull of its 2d vertices, the sum of two ℓ1 balls the hull of the vertex sums, and thresholds plus
 * intervals the sum of their finitely many behaviours on the sample.
 */
describe('convex hull and Minkowski sum', () => {
  test.prop({ X: points, B: fc.integer({ min: 1, max: 3 }) })('the ℓ1 ball = conv{±B·e_j}: its sup equals the best vertex at every σ', ({ X, B }) => {
    expect(Array.from(supsOverAll(linearL1(X, B)))).toEqual(Array.from(supsOverAll(finiteClass(l1Vertices(X, B)))));
  });

  test.prop({ x: linePoints(7), mixes: fc.array(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 }), { minLength: 1, maxLength: 6 }) })(
    'thresholds: no convex combination of the behaviours beats the oracle, which the behaviours attain: sup over conv F = sup over F',
    ({ x, mixes }) => {
      const P = brute(x, 'thresholds'); // n + 1 behaviours
      const n = x.length;
      const sups = supsOverAll(thresholds(x));
      const signs = allSigns(n);
      expect(Array.from(supsOverAll(finiteClass(P)))).toEqual(Array.from(sups)); // the vertices attain it
      for (const q of mixes.map((m) => m.slice(0, P.length)).filter((m) => m.some((v) => v > 0))) {
        // rational weights λ_k = q_k / Σq, scaled by Σq to stay integral
        const total = q.reduce((s, v) => s + v, 0);
        const row = x.map((_, i) => q.reduce((s, qk, k) => s + qk * P[k]![i]!, 0));
        for (let t = 0; t < 2 ** n; t++) {
          expect(row.reduce((s, v, i) => s + v * signs[t * n + i]!, 0)).toBeLessThanOrEqual(total * sups[t]!);
        }
      }
    },
  );

  test.prop({ X1: points, X2: points, B1: fc.integer({ min: 1, max: 3 }), B2: fc.integer({ min: 1, max: 3 }) })(
    'ℓ1 ball on X1 + ℓ1 ball on X2 (the hull of the vertex sums): sup = sup₁ + sup₂ at every σ, R̂ adds exactly',
    ({ X1, X2, B1, B2 }) => {
      const n = Math.min(X1.length, X2.length);
      const [A, C] = [X1.slice(0, n), X2.slice(0, n)];
      const F = linearL1(A, B1);
      const G = linearL1(C, B2);
      const sum = finiteClass(sumSet(l1Vertices(A, B1), l1Vertices(C, B2)));
      const [sf, sg] = [supsOverAll(F), supsOverAll(G)];
      expect(Array.from(supsOverAll(sum))).toEqual(Array.from(sf, (v, t) => v + sg[t]!));
      // integer data: the ℓ1 sups are integers, so both sides are exact rationals
      expect(exhaustiveRademacher(sum).exact!).toEqualFraction(exactMean(sf, n).add(exactMean(sg, n)));
    },
  );

  test.prop({ x: linePoints(7) })('thresholds + intervals: sup over the sum of their behaviours = sum of the two oracles at every σ, R̂ adds exactly', ({ x }) => {
    const sum = finiteClass(sumSet(brute(x, 'thresholds'), brute(x, 'intervals')));
    const [st, si] = [supsOverAll(thresholds(x)), supsOverAll(intervals(x))];
    expect(Array.from(supsOverAll(sum))).toEqual(Array.from(st, (v, t) => v + si[t]!));
    expect(exhaustiveRademacher(sum).exact!).toEqualFraction(exhaustiveRademacher(thresholds(x)).exact!.add(exhaustiveRademacher(intervals(x)).exact!));
  });

  test.prop({ F: finiteClassArb(7, 4), G: finiteClassArb(7, 4) })('finite classes: sup over F + G = sup over F + sup over G', ({ F, G }) => {
    const n = Math.min(F.n, G.n);
    const f = F.P.map((r) => r.slice(0, n));
    const g = G.P.map((r) => r.slice(0, n));
    const sf = supsOverAll(finiteClass(f));
    const sg = supsOverAll(finiteClass(g));
    supsOverAll(finiteClass(sumSet(f, g))).forEach((v, t) => expect(v).toBe(sf[t]! + sg[t]!));
  });
});
