import { test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { exhaustiveRademacher } from '../../src/rademacher/estimate.js';
import { finiteClass } from '../../src/rademacher/oracles.js';
import { finiteClassArb } from '../arbitraries.js';

/**
 * Range: 0 ≤ R̂(H) ≤ sup_{h, i} |h(x_i)|, exactly. Every class of the registry is checked for it in
 * registry.proof.ts (law `range`, repeated points included); here, finite classes with arbitrary
 * integer predictions, beyond the registry's ±1 hypotheses.
 */
describe('Rademacher complexity lies in [0, sup |h|]', () => {
  test.prop({ cls: finiteClassArb(8, 5, 4) })('finite integer classes', ({ cls }) => {
    const oracle = finiteClass(cls.P);
    const { exact } = exhaustiveRademacher(oracle);
    expect(exact!.compare(0)).toBeGreaterThanOrEqual(0);
    expect(exact!.compare(oracle.range)).toBeLessThanOrEqual(0);
  });
});
