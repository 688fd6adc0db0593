import { describe, expect, test } from 'vitest';
import { InputError } from '../../src/errors.js';
import {
  checkDelta,
  kernelBallBounds,
  l1Bound,
  linearMaxNormBound,
  linearTrace,
  massartBound,
  mohriBound,
  sauerShelah,
  ssbdBound,
  vcRademacherBound,
} from '../../src/rademacher/bounds.js';

/** C(n, k) exactly. */
const binomial = (n: number, k: number): number => {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - i + 1)) / i;
  return c;
};

/**
 * The bounds evaluate the formulas of their sources (Shalev-Shwartz & Ben-David 2014, Lemmas 26.8,
 * 26.10, 26.11 and Thm 26.5; Mohri et al. 2018, Thm 3.3; Bartlett & Mendelson 2002; Sauer–Shelah),
 * checked on instances small enough to work out by hand. That they hold is checked in
 * proofs/rademacher/bounds.proof.ts; here, that they are not looser than the formula says.
 */
describe('bound formulas', () => {
  test("Massart: max‖a − ā‖·√(2 ln N)/n; a single hypothesis gives 0", () => {
    // a = (1, 1) and (−1, −1): ā = 0, ‖a − ā‖ = √2, N = 2, n = 2 → √2·√(2 ln 2)/2 = √(ln 2)
    expect(massartBound([[1, 1], [-1, -1]])).toBeCloseTo(Math.sqrt(Math.log(2)), 14);
    // the unit vectors on 3 points: mean (⅓, ⅓, ⅓), each at distance ‖(⅔, −⅓, −⅓)‖ = √6/3 from it
    const P = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
    const far = Math.sqrt((2 / 3) ** 2 + 2 * (1 / 3) ** 2);
    expect(massartBound(P)).toBeCloseTo((far * Math.sqrt(2 * Math.log(3))) / 3, 14);
    expect(massartBound([[5, -5, 5]])).toBe(0);
    expect(() => massartBound([[1, NaN]])).toThrow(/^predictions\[0\]\[1\] is NaN/); // refused under its own name
  });

  test('linear and kernel balls: (B/n)√tr K and (B/n)√(tr K/2); B·max‖x‖/√n; ℓ1: B·max|x|·√(2 ln 2d/n)', () => {
    const X = { rows: 2, cols: 2, data: Float64Array.from([3, 4, 0, 1]) }; // ‖x_1‖ = 5, ‖x_2‖ = 1
    expect(linearTrace(X)).toBe(26);
    expect(kernelBallBounds(26, 2, 3)).toEqual({ upper: (3 / 2) * Math.sqrt(26), lower: (3 / 2) * Math.sqrt(13) });
    expect(linearMaxNormBound([[3, 4], [0, 1]], 3)).toBeCloseTo((3 * 5) / Math.sqrt(2), 14);
    expect(l1Bound([[3, -4], [0, 1]], 2)).toBeCloseTo(2 * 4 * Math.sqrt((2 * Math.log(4)) / 2), 14);
    expect(() => kernelBallBounds(1, 2, 0)).toThrow(new InputError('B must be positive, got 0'));
    expect(() => kernelBallBounds(1, 0, 1)).toThrow(new InputError('n must be a positive integer, got 0'));
    expect(() => kernelBallBounds(1, 2.5, 1)).toThrow(InputError);
  });

  test('Sauer–Shelah: ln Σ_{i≤v} C(n, i) and v(1 + ln(n/v)); the VC bound √(2 ln Π(n)/n)', () => {
    for (const [n, v] of [[10, 1], [10, 3], [5, 5], [30, 4], [3, 7], [8, 0]] as const) {
      let sum = 0;
      for (let i = 0; i <= Math.min(v, n); i++) sum += binomial(n, i);
      const r = sauerShelah(n, v);
      expect(r.lnSum).toBeCloseTo(Math.log(sum), 12);
      expect(r.lnPower).toBe(v === 0 || n < v ? null : v * (1 + Math.log(n / v)));
      if (r.lnPower !== null) expect(r.lnSum).toBeLessThanOrEqual(r.lnPower + 1e-12); // Σ C(n, i) ≤ (en/v)^v
      expect(vcRademacherBound(n, v)).toBeCloseTo(Math.sqrt((2 * Math.log(sum)) / n), 12);
    }
    expect(sauerShelah(2000, 3).lnSum).toBeCloseTo(Math.log(1 + 2000 + binomial(2000, 2) + binomial(2000, 3)), 9);
    // large n and v: the terms C(n, i) overflow float64 (ln C(10⁶, 200) ≈ 1,900), the log-sum-exp must not
    let lnTop = 0;
    for (let i = 1; i <= 200; i++) lnTop += Math.log(1e6 - i + 1) - Math.log(i);
    const big = sauerShelah(1e6, 200).lnSum; // the largest term is the last; the others add less than ln 201
    expect(big).toBeGreaterThanOrEqual(lnTop - 1e-6);
    expect(big).toBeLessThanOrEqual(lnTop + Math.log(201));
    expect(() => sauerShelah(5, -1)).toThrow(new InputError('VC dimension must be a non-negative integer, got -1'));
    expect(() => sauerShelah(5, 1.5)).toThrow(InputError);
    expect(() => sauerShelah(0, 1)).toThrow(new InputError('n must be a positive integer, got 0'));
  });

  test('SSBD Thm 26.5 and Mohri Thm 3.3: values, the gap, vacuity at the loss bound', () => {
    const a = ssbdBound(0.1, 0.05, 1000, 0.05, 2);
    const gapA = 2 * 0.05 + 4 * 2 * Math.sqrt((2 * Math.log(4 / 0.05)) / 1000);
    expect(a).toEqual({ theorem: 'SSBD Thm 26.5: L_S + 2R̂ + 4c√(2 ln(4/δ)/m)', value: 0.1 + gapA, gap: gapA, vacuous: false });
    expect(ssbdBound(0.1, 0.05, 1000, 0.05).gap).toBeCloseTo(2 * 0.05 + 4 * Math.sqrt((2 * Math.log(80)) / 1000), 14);
    const b = mohriBound(0.1, 0.05, 1000, 0.05);
    const gapB = 2 * 0.05 + 3 * Math.sqrt(Math.log(2 / 0.05) / 2000);
    expect(b).toEqual({ theorem: 'Mohri et al. Thm 3.3: Ê + 2R̂_S + 3√(ln(2/δ)/(2m))', value: 0.1 + gapB, gap: gapB, vacuous: false });
    // vacuous exactly when the bound reaches the loss's maximum (c for SSBD, 1 for Mohri)
    expect(ssbdBound(0.5, 0.5, 10 ** 9, 0.5, 1).vacuous).toBe(true); // 0.5 + 1 + tiny ≥ 1
    expect(ssbdBound(0.5, 0.2, 10 ** 9, 0.5, 2).vacuous).toBe(false); // 0.9 + tiny < 2
    expect(ssbdBound(0.5, 0.25, 10 ** 12, 0.5, 1).vacuous).toBe(true); // 1 + tiny ≥ 1: the boundary counts
    expect(mohriBound(0, 0.5, 10 ** 12, 0.5).vacuous).toBe(true);
    expect(mohriBound(0, 0.49, 10 ** 12, 0.5).vacuous).toBe(false);
    // a bound exactly at the maximum (training loss chosen so that it lands there) rules nothing out
    const gS = ssbdBound(0, 0.01, 10000, 0.05).gap;
    const atS = ssbdBound(1 - gS, 0.01, 10000, 0.05);
    expect([atS.value, atS.vacuous]).toEqual([1, true]);
    const gM = mohriBound(0, 0.1, 100, 0.05).gap;
    const atM = mohriBound(1 - gM, 0.1, 100, 0.05);
    expect([atM.value, atM.vacuous]).toEqual([1, true]);
    expect(() => ssbdBound(0, 0, 0, 0.1)).toThrow(InputError);
    expect(() => mohriBound(0, 0, 10, 1)).toThrow(new InputError('delta must lie strictly between 0 and 1, got 1'));
    expect(() => checkDelta(0)).toThrow(InputError);
    expect(() => checkDelta(NaN)).toThrow(InputError);
    expect(() => checkDelta(0.5)).not.toThrow();
  });
});
