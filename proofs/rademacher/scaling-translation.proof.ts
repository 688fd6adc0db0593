import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { finiteClass } from '../../src/rademacher/oracles.js';
import { finiteClassArb } from '../arbitraries.js';
import { exactMean, supsOverAll } from './helpers.js';

/**
 * Scaling R̂(cF) = |c|·R̂(F) (per σ for c ≥ 0; for c < 0 through σ ↦ −σ, so in expectation), and
 * translation R̂(F + h₀) = R̂(F) — in expectation only, since Σσ_i h₀(x_i) averages to 0. Exact.
 */
describe('scaling and translation', () => {
  test.prop({ cls: finiteClassArb(8, 5), c: fc.integer({ min: -4, max: 4 }) })('R̂(cF) = |c| R̂(F) exactly', ({ cls, c }) => {
    const base = exactMean(supsOverAll(finiteClass(cls.P)), cls.n);
    const scaled = exactMean(supsOverAll(finiteClass(cls.P.map((row) => row.map((v) => c * v)))), cls.n);
    expect(scaled).toEqualFraction(base.mul(Math.abs(c)));
  });
  test.prop({ cls: finiteClassArb(8, 5), h0: fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 8, maxLength: 8 }) })(
    'R̂(F + h₀) = R̂(F) exactly, though not per σ',
    ({ cls, h0 }) => {
      const shifted = cls.P.map((row) => row.map((v, i) => v + h0[i]!));
      const a = supsOverAll(finiteClass(cls.P));
      const b = supsOverAll(finiteClass(shifted));
      expect(exactMean(b, cls.n)).toEqualFraction(exactMean(a, cls.n));
    },
  );
  test('per σ the translation law fails (so it must be checked in expectation)', () => {
    const a = supsOverAll(finiteClass([[0, 0]]));
    const b = supsOverAll(finiteClass([[1, 1]]));
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });
});
