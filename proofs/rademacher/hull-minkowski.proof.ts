import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { finiteClass } from '../../src/rademacher/oracles.js';
import { finiteClassArb } from '../arbitraries.js';
import { allSigns, supsOverAll } from './helpers.js';

/** Convex hull R̂(conv F) = R̂(F) and Minkowski sum R̂(F + G) = R̂(F) + R̂(G), both per σ. */
describe('convex hull and Minkowski sum', () => {
  test.prop({ cls: finiteClassArb(7, 4), mixes: fc.array(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 6 }) })(
    'no convex combination beats the best vertex, and the vertices are in the hull: sup over conv F = sup over F',
    ({ cls, mixes }) => {
      const N = cls.P.length;
      // convex combinations with rational weights λ_k = q_k / Σq, scaled by Σq to stay integral
      const hull = mixes
        .map((q) => q.slice(0, N))
        .filter((q) => q.some((v) => v > 0))
        .map((q) => ({ total: q.reduce((s, v) => s + v, 0), row: cls.P[0]!.map((_, i) => q.reduce((s, qk, k) => s + qk * cls.P[k]![i]!, 0)) }));
      const sups = supsOverAll(finiteClass(cls.P));
      const signs = allSigns(cls.n);
      for (const { total, row } of hull) {
        for (let t = 0; t < 2 ** cls.n; t++) {
          const value = row.reduce((s, v, i) => s + v * signs[t * cls.n + i]!, 0);
          expect(value).toBeLessThanOrEqual(total * sups[t]!); // ⟨σ, Σλ_k h_k⟩ ≤ max_k ⟨σ, h_k⟩
        }
      }
    },
  );
  test.prop({ F: finiteClassArb(7, 4), G: finiteClassArb(7, 4) })('sup over F + G = sup over F + sup over G', ({ F, G }) => {
    const n = Math.min(F.n, G.n);
    const f = F.P.map((r) => r.slice(0, n));
    const g = G.P.map((r) => r.slice(0, n));
    const sum = f.flatMap((a) => g.map((b) => a.map((v, i) => v + b[i]!)));
    const sf = supsOverAll(finiteClass(f));
    const sg = supsOverAll(finiteClass(g));
    supsOverAll(finiteClass(sum)).forEach((v, t) => expect(v).toBe(sf[t]! + sg[t]!));
  });
});
