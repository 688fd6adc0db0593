import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { allFunctions, finiteClass, intervals, linearL1, linearL2, relu2Layer, thresholds, twoSidedThresholds } from '../../src/rademacher/oracles.js';
import { exhaustiveRademacher } from '../../src/rademacher/estimate.js';
import { linePoints } from '../arbitraries.js';
import { allSigns, brute, supsOverAll } from './helpers.js';

/** Each closed form equals brute force over the finite class it induces, for every σ. */
describe('closed forms equal brute force', () => {
  test.prop({ x: linePoints(8, true) })('thresholds, two-sided thresholds and intervals (O(n) per σ) — with repeated points', ({ x }) => {
    const pairs = [
      [thresholds(x), brute(x, 'thresholds')],
      [twoSidedThresholds(x), brute(x, 'two-sided')],
      [intervals(x), brute(x, 'intervals')],
    ] as const;
    for (const [oracle, rows] of pairs) expect(Array.from(supsOverAll(oracle))).toEqual(Array.from(supsOverAll(finiteClass(rows))));
  });

  test.prop({ ids: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 7 }) })(
    'all functions into [−1, 1] and into {0, 1}: Σ|S_u| and Σ max(S_u, 0) (duplicated points included)',
    ({ ids }) => {
      const distinct = [...new Set(ids)];
      const rowsPm: number[][] = [];
      const rows01: number[][] = [];
      for (let mask = 0; mask < 2 ** distinct.length; mask++) {
        const value = (id: number) => (mask >> distinct.indexOf(id)) & 1;
        rowsPm.push(ids.map((id) => (value(id) ? 1 : -1)));
        rows01.push(ids.map((id) => value(id)));
      }
      expect(Array.from(supsOverAll(allFunctions(ids)))).toEqual(Array.from(supsOverAll(finiteClass(rowsPm))));
      expect(Array.from(supsOverAll(allFunctions(ids, '01')))).toEqual(Array.from(supsOverAll(finiteClass(rows01))));
      if (distinct.length === ids.length) {
        expect(exhaustiveRademacher(allFunctions(ids)).exact!).toEqualFraction(1);
        expect(exhaustiveRademacher(allFunctions(ids, '01')).exact!).toEqualFraction('1/2');
      }
    },
  );

  test.prop({
    X: fc.array(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 6 }),
    B: fc.integer({ min: 1, max: 4 }),
    dirs: fc.array(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }), { minLength: 5, maxLength: 20 }),
  })('linear ℓ2 and ℓ1 balls: no w in the ball beats the closed form, and the maximiser attains it', ({ X, B, dirs }) => {
    const n = X.length;
    const signs = allSigns(n);
    const l2 = supsOverAll(linearL2(X, B));
    const l1 = supsOverAll(linearL1(X, B));
    for (let t = 0; t < 2 ** n; t++) {
      const v = [0, 1, 2].map((j) => X.reduce((s, row, i) => s + signs[t * n + i]! * row[j]!, 0)); // Xᵀσ
      const norm2 = Math.hypot(...v);
      const normInf = Math.max(...v.map(Math.abs));
      expect(l2[t]).toBeCloseTo(B * norm2, 9); // attained by w = B·v/‖v‖
      expect(l1[t]).toBe(B * normInf); // attained by w = ±B·e_j
      for (const w of dirs) {
        const n2 = Math.hypot(...w);
        const n1 = w.reduce((s, c) => s + Math.abs(c), 0);
        // directions too small to normalise accurately (subnormal entries) say nothing
        if (n2 > 1e-150) expect((B * w.reduce((s, c, j) => s + c * v[j]!, 0)) / n2).toBeLessThanOrEqual(l2[t]! + 1e-9);
        if (n1 > 1e-150) expect((B * w.reduce((s, c, j) => s + c * v[j]!, 0)) / n1).toBeLessThanOrEqual(l1[t]! + 1e-9);
      }
    }
  });

  test.prop({ X: fc.uniqueArray(fc.array(fc.integer({ min: -9, max: 9 }), { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 7, selector: (r) => r.join(',') }) }, { numRuns: 15 })(
    'two-layer ReLU networks (Theorem 1) on distinct points: every σ is fitted and certified, so R̂ = 1 exactly',
    ({ X }) => {
      expect(exhaustiveRademacher(relu2Layer(X)).exact!).toEqualFraction(1);
    },
  );
});
