import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { exhaustiveRademacher } from '../../src/rademacher/estimate.js';
import { finiteClass, intervals, thresholds } from '../../src/rademacher/oracles.js';
import { finiteClassArb, linePoints } from '../arbitraries.js';

/** Range: 0 ≤ R̂(H) ≤ sup_{h, i} |h(x_i)|, exactly. */
describe('Rademacher complexity lies in [0, sup |h|]', () => {
  test.prop({ cls: finiteClassArb(8, 5, 4) })('finite integer classes', ({ cls }) => {
    const oracle = finiteClass(cls.P);
    const { exact } = exhaustiveRademacher(oracle);
    expect(exact!.compare(0)).toBeGreaterThanOrEqual(0);
    expect(exact!.compare(oracle.range)).toBeLessThanOrEqual(0);
  });
  test.prop({ x: linePoints(10, true) })('thresholds and intervals, points may repeat', ({ x }) => {
    for (const oracle of [thresholds(x), intervals(x)]) {
      const { exact } = exhaustiveRademacher(oracle);
      expect(exact!.compare(0)).toBeGreaterThanOrEqual(0);
      expect(exact!.compare(1)).toBeLessThanOrEqual(0);
    }
  });
});
