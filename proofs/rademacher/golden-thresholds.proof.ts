import { describe, expect, test } from 'vitest';
import { exhaustiveRademacher } from '../../src/rademacher/estimate.js';
import { thresholds } from '../../src/rademacher/oracles.js';
import { test as propTest, fc } from '@fast-check/vitest';

/**
 * Golden values (docs/theory.md §3.2): R̂ of one-sided thresholds on n distinct points, exactly, n = 1 … 8 —
 * obtained once by enumerating all 2^n sign vectors in rational arithmetic and kept here as constants.
 */
describe('one-sided thresholds: exact golden values', () => {
  const golden = ['1', '3/4', '2/3', '19/32', '11/20', '49/96', '27/56', '467/1024'];
  test.each(golden.map((v, i) => [i + 1, v] as const))('n = %i gives %s', (n, value) => {
    const result = exhaustiveRademacher(thresholds(Array.from({ length: n }, (_, i) => i * 1.5 - 3)));
    expect(result.exact).not.toBeNull();
    expect(result.exact!).toEqualFraction(value);
  });
  // −0 is mapped to 0 *before* the uniqueness check, so the 8 points are distinct as numbers
  const point = fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => (Object.is(v, -0) ? 0 : v));
  propTest.prop({ n: fc.integer({ min: 1, max: 8 }), xs: fc.uniqueArray(point, { minLength: 8, maxLength: 8 }) })(
    'the value depends only on n for distinct points (any positions, any order)',
    ({ n, xs }) => {
      const value = exhaustiveRademacher(thresholds(xs.slice(0, n))).exact!;
      expect(value).toEqualFraction(golden[n - 1]!);
    },
  );
});
