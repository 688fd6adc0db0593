import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { allFunctions, finiteClass, intervals, thresholds, twoSidedThresholds } from '../../src/rademacher/oracles.js';
import { finiteClassArb, linePoints } from '../arbitraries.js';
import { supsOverAll } from './helpers.js';

/** F ⊆ G ⇒ R̂(F) ≤ R̂(G) — and more: sup over F ≤ sup over G for every single σ. */
describe('monotonicity under inclusion, per σ', () => {
  test.prop({ cls: finiteClassArb(8, 6), keep: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }) })('a subset of a finite class', ({ cls, keep }) => {
    const sub = cls.P.filter((_, k) => keep[k]);
    fc.pre(sub.length > 0);
    const small = supsOverAll(finiteClass(sub));
    const big = supsOverAll(finiteClass(cls.P));
    small.forEach((v, t) => expect(v).toBeLessThanOrEqual(big[t]!));
  });
  test.prop({ x: linePoints(10, true) })('thresholds ⊆ two-sided thresholds ⊆ all functions; intervals ⊆ all functions', ({ x }) => {
    const one = supsOverAll(thresholds(x));
    const two = supsOverAll(twoSidedThresholds(x));
    const ints = supsOverAll(intervals(x));
    const all = supsOverAll(allFunctions(x));
    one.forEach((v, t) => {
      expect(v).toBeLessThanOrEqual(two[t]!);
      expect(two[t]!).toBeLessThanOrEqual(all[t]!);
      expect(ints[t]!).toBeLessThanOrEqual(all[t]!);
    });
  });
});
