import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { kernelBallBounds, l1Bound, linearMaxNormBound, linearTrace, massartBound, vcRademacherBound } from '../../src/rademacher/bounds.js';
import { exhaustiveRademacher } from '../../src/rademacher/estimate.js';
import { finiteClass, linearL1, linearL2, thresholds } from '../../src/rademacher/oracles.js';
import { finiteClassArb } from '../arbitraries.js';

const slack = (v: number) => v * (1 + 1e-12) + 1e-15; // float rounding in the bound's own evaluation

/** Every upper bound holds, and the linear lower bound too, on every random instance (by enumeration). */
describe('Rademacher bounds hold on every instance', () => {
  test.prop({ cls: finiteClassArb(9, 6, 5) })("Massart's lemma", ({ cls }) => {
    const value = exhaustiveRademacher(finiteClass(cls.P)).value;
    expect(value).toBeLessThanOrEqual(slack(massartBound(cls.P)));
  });

  const sample = fc.integer({ min: 1, max: 10 }).chain((n) =>
    fc.record({
      d: fc.integer({ min: 1, max: 4 }),
      rows: fc.array(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 4, maxLength: 4 }), { minLength: n, maxLength: n }),
    }),
  );
  test.prop({ s: sample, B: fc.double({ min: 0.1, max: 10, noNaN: true }) })('linear ‖w‖₂ ≤ B: (B/n)√(tr K / 2) ≤ R̂ ≤ (B/n)√(tr K) ≤ B max‖x‖/√n', ({ s, B }) => {
    const X = s.rows.map((r) => r.slice(0, s.d));
    const n = X.length;
    const value = exhaustiveRademacher(linearL2(X, B)).value;
    const Xm = { rows: n, cols: s.d, data: Float64Array.from(X.flat()) };
    const { upper, lower } = kernelBallBounds(linearTrace(Xm), n, B);
    expect(value).toBeLessThanOrEqual(slack(upper));
    expect(lower).toBeLessThanOrEqual(slack(value));
    expect(upper).toBeLessThanOrEqual(slack(linearMaxNormBound(X, B)));
  });
  test.prop({ s: sample, B: fc.double({ min: 0.1, max: 10, noNaN: true }) })('linear ‖w‖₁ ≤ B: R̂ ≤ B max‖x‖_∞ √(2 ln(2d)/n)', ({ s, B }) => {
    const X = s.rows.map((r) => r.slice(0, s.d));
    expect(exhaustiveRademacher(linearL1(X, B)).value).toBeLessThanOrEqual(slack(l1Bound(X, B)));
  });
  test.prop({ n: fc.integer({ min: 1, max: 14 }) })('thresholds (VC dimension 1): R̂ ≤ √(2 ln Π(n) / n) with Π(n) ≤ n + 1', ({ n }) => {
    const value = exhaustiveRademacher(thresholds(Array.from({ length: n }, (_, i) => i))).value;
    expect(value).toBeLessThanOrEqual(slack(vcRademacherBound(n, 1)));
  });
});
