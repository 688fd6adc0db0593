import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { exhaustiveRademacher } from '../../src/rademacher/estimate.js';
import { finiteClass, intervals, linearL1, linearL2, polynomialGram, rkhsBall, thresholds, type SupOracle } from '../../src/rademacher/oracles.js';
import { finiteClassArb, linePoints } from '../arbitraries.js';
import { exactMean, supsAtMinusSigma, supsOverAll } from './helpers.js';

/** Integer points (n ≤ 7, d ≤ 3): small enough to enumerate every σ. */
const points = fc
  .integer({ min: 1, max: 3 })
  .chain((d) => fc.array(fc.array(fc.integer({ min: -6, max: 6 }), { minLength: d, maxLength: d }), { minLength: 1, maxLength: 7 }));
/** c = ±2^k: scaling by a power of two is exact in float64, so the laws can be checked with toEqual. */
const powerOfTwo = fc.tuple(fc.integer({ min: -2, max: 3 }), fc.boolean()).map(([k, negative]) => (negative ? -1 : 1) * 2 ** k);

/** F + h₀: sup_{f ∈ F} Σσ_i (f(x_i) + h₀(x_i)) = sup_F(σ) + ⟨σ, h₀⟩. */
function shifted(oracle: SupOracle, h0: readonly number[]): SupOracle {
  const n = oracle.n;
  return {
    ...oracle,
    name: `${oracle.name} + h₀`,
    range: oracle.range + Math.max(...h0.map(Math.abs)),
    integerValued: oracle.integerValued && h0.every(Number.isInteger),
    supBatch(sigma, m) {
      const sup = oracle.supBatch(sigma, m);
      for (let t = 0; t < m; t++) for (let i = 0; i < n; i++) sup[t] = sup[t]! + sigma[t * n + i]! * h0[i]!;
      return sup;
    },
  };
}

/**
 * Scaling R̂(cF) = |c|·R̂(F) — per σ for c ≥ 0, and for c < 0 through σ ↦ −σ (so in expectation) —
 * and translation R̂(F + h₀) = R̂(F), in expectation only, since Σσ_i h₀(x_i) averages to 0
 * (Bartlett & Mendelson 2002, Thm 12; Shalev-Shwartz & Ben-David 2014, Lemma 26.6). Checked on the
 * project's oracles — linear ℓ2 and ℓ1 balls, an RKHS ball, thresholds and intervals — where the
 * scaled class is again one of them: linear functions of c·x, the kernel c²k, thresholds on c·x.
 */
describe('scaling and translation', () => {
  test.prop({ X: points, c: powerOfTwo, B: fc.integer({ min: 1, max: 3 }) })(
    'linear ℓ2 / ℓ1 balls on c·X and the RKHS ball of c²k: sup = |c|·sup at every σ (the balls are symmetric), so R̂ = |c|·R̂',
    ({ X, c, B }) => {
      const cX = X.map((row) => row.map((v) => c * v));
      const K = polynomialGram(X, 2); // (n, n), integer entries
      const c2K = { ...K, data: K.data.map((v) => c * c * v) };
      const pairs: [SupOracle, SupOracle][] = [
        [linearL2(cX, B), linearL2(X, B)],
        [linearL1(cX, B), linearL1(X, B)],
        [rkhsBall(c2K, B), rkhsBall(K, B)],
        [linearL2(X, Math.abs(c) * B), linearL2(X, B)], // the same class described by its radius
      ];
      for (const [scaled, base] of pairs) {
        expect(Array.from(supsOverAll(scaled))).toEqual(Array.from(supsOverAll(base), (v) => Math.abs(c) * v));
        expect(exhaustiveRademacher(scaled).value).toBe(Math.abs(c) * exhaustiveRademacher(base).value);
      }
    },
  );

  test.prop({ x: linePoints(9, true), c: powerOfTwo })(
    'thresholds on c·x are F for c > 0 and −F for c < 0 (sup at −σ), intervals on c·x are F: R̂ unchanged, exactly',
    ({ x, c }) => {
      const cx = x.map((v) => c * v);
      const thr = thresholds(x);
      const expected = c > 0 ? supsOverAll(thr) : supsAtMinusSigma(thr);
      expect(Array.from(supsOverAll(thresholds(cx)))).toEqual(Array.from(expected));
      expect(Array.from(supsOverAll(intervals(cx)))).toEqual(Array.from(supsOverAll(intervals(x))));
      expect(exhaustiveRademacher(thresholds(cx)).exact!).toEqualFraction(exhaustiveRademacher(thr).exact!);
    },
  );

  test.prop({ cls: finiteClassArb(8, 5), c: fc.integer({ min: -4, max: 4 }) })('finite classes: R̂(cF) = |c| R̂(F) exactly', ({ cls, c }) => {
    const base = exactMean(supsOverAll(finiteClass(cls.P)), cls.n);
    const scaled = exactMean(supsOverAll(finiteClass(cls.P.map((row) => row.map((v) => c * v)))), cls.n);
    expect(scaled).toEqualFraction(base.mul(Math.abs(c)));
  });

  test.prop({ x: linePoints(9), X: points, h0: fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 9, maxLength: 9 }) })(
    'R̂(F + h₀) = R̂(F) for thresholds and intervals (exactly) and for the linear ℓ2 ball (to rounding), though not per σ',
    ({ x, X, h0 }) => {
      for (const oracle of [thresholds(x), intervals(x)]) {
        const moved = shifted(oracle, h0.slice(0, oracle.n));
        expect(exhaustiveRademacher(moved).exact!).toEqualFraction(exhaustiveRademacher(oracle).exact!);
      }
      const ball = linearL2(X, 1);
      const moved = exhaustiveRademacher(shifted(ball, h0.slice(0, ball.n))).value;
      expect(Math.abs(moved - exhaustiveRademacher(ball).value)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(moved)));
    },
  );

  test('per σ the translation law fails (so it must be checked in expectation)', () => {
    const oracle = thresholds([1, 2, 3]);
    const moved = shifted(oracle, [1, 1, 1]);
    expect(Array.from(supsOverAll(moved))).not.toEqual(Array.from(supsOverAll(oracle)));
    expect(exhaustiveRademacher(moved).exact!).toEqualFraction(exhaustiveRademacher(oracle).exact!);
  });
});
