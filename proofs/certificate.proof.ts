import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { toMatrix } from '../src/data/matrix.js';
import { certify, type Certificate } from '../src/expressivity/certify.js';
import { interpolate, interpolateClasses, type InterpolatedNetwork } from '../src/expressivity/interpolate.js';
import { InputError } from '../src/errors.js';
import { gamma } from '../src/numeric/float.js';
import { ONE, ZERO, reluFraction, toFraction, type Fraction } from '../src/exact/fraction.js';
import type { ReluNetworkParameters } from '../src/expressivity/network.js';
import { integerSample, realSample } from './arbitraries.js';

/** Σ_j w_j·max(z − b_j, 0) in exact rationals, at a given projection z. */
function exactOutputAt(net: ReluNetworkParameters, z: Fraction, output = 0): Fraction {
  let c = ZERO;
  for (let j = 0; j < net.b.length; j++) {
    c = c.add(toFraction(net.w[j * net.k + output] as number).mul(reluFraction(z.sub(toFraction(net.b[j] as number)))));
  }
  return c;
}

/** c(x) in exact rationals, with the float64 parameters taken at their exact values. */
function exactOutput(net: ReluNetworkParameters, x: readonly number[], output = 0): Fraction {
  return exactOutputAt(net, x.reduce((s, v, j) => s.add(toFraction(v).mul(toFraction(net.a[j] as number))), ZERO), output);
}

/** |c(x) − target|, exactly. */
function exactResidual(net: ReluNetworkParameters, x: readonly number[], target: number, output = 0): Fraction {
  return exactOutput(net, x, output).sub(toFraction(target)).abs();
}

/** The exact slopes S_m = Σ_{j ≤ m} w_j (units sorted by bias), max_m |S_m| over m = 0 … n, per output. */
function maxAbsSlope(net: ReluNetworkParameters, output = 0): Fraction {
  const units = Array.from(net.b, (bj, j) => ({ bj, j })).sort((p, q) => p.bj - q.bj);
  let S = ZERO;
  let max = ZERO;
  for (const { j } of units) {
    S = S.add(toFraction(net.w[j * net.k + output] as number));
    if (S.abs().compare(max) > 0) max = S.abs();
  }
  return max;
}

/**
 * Tightness, with the constants stated: C = 1 + 2^−48 (a few roundings upward), ẑ = fl(⟨a, x⟩)
 * (left to right), L = max_m |S_m| the network's steepest slope, and
 * ẽ = γ_(d+1)·Σ_j |a_j x_j|·(1 + 2^−40) + d·2^−1070 the standard bound on |ẑ − ⟨a, x⟩| (Higham 2002,
 * §3.1). With r = exact residual |c(x) − y| and r̂ = |c(ẑ) − y| (exact, at the rounded projection):
 *   bound ≤ C·r + 2·C·L·ẽ + 4·2^−1074   (the ulp-scale slack: r̂ ≤ r + L·|ẑ − z|), and
 *   bound ≤ C·r̂ + C·L·ẽ + 4·2^−1074     (no more than the method's own error term).
 * A row whose projection is exact in float64 (integer x, a on the grid 2^−s, Σ|a_j x_j| ≤ 2^(52−s))
 * has ẑ = z and no projection term: bound ≤ C·r + 4·2^−1074. Returns whether the row is such a row
 * (decided here, not by certify).
 */
function expectTight(net: ReluNetworkParameters, x: readonly number[], target: number, bound: number, output = 0): boolean {
  const C = ONE.add(toFraction(2 ** -48));
  const bottom = toFraction(4 * 2 ** -1074); // the last roundings upward, at the bottom of the range
  let zHat = 0;
  for (let j = 0; j < x.length; j++) zHat += (x[j] as number) * (net.a[j] as number);
  const r = exactResidual(net, x, target, output);
  const rHat = exactOutputAt(net, toFraction(zHat), output).sub(toFraction(target)).abs();
  const absSum = x.reduce((s, v, j) => s.add(toFraction(v).mul(toFraction(net.a[j] as number)).abs()), ZERO);
  let gridBits = 0;
  for (const v of net.a) while (!Number.isInteger(v * 2 ** gridBits) && gridBits < 61) gridBits++;
  const exactProjection = x.every(Number.isInteger) && gridBits <= 60 && absSum.compare(toFraction(2 ** (52 - gridBits))) <= 0;
  const limits = [C.mul(r).add(bottom)];
  if (!exactProjection) {
    const d = x.length;
    const gammaD1 = toFraction((d + 1) * 2 ** -53).div(ONE.sub(toFraction((d + 1) * 2 ** -53)));
    const e = gammaD1.mul(absSum).mul(ONE.add(toFraction(2 ** -40))).add(toFraction(d * 2 ** -1070));
    const Le = maxAbsSlope(net, output).mul(e);
    limits[0] = limits[0]!.add(C.mul(2).mul(Le));
    limits.push(C.mul(rHat).add(C.mul(Le)).add(bottom));
  }
  for (const limit of limits) expect(toFraction(bound).compare(limit), `bound ${bound} above ${limit.toFraction().slice(0, 60)}…`).toBeLessThanOrEqual(0);
  return exactProjection;
}

/**
 * The float construction, or a discarded run when the points cannot be told apart in float64
 * (near-duplicates closer than an ulp of their projections: the construction refuses them, as
 * test/expressivity/interpolate.test.ts checks).
 */
function interpolateOrDiscard(X: number[][], y: number[], seed?: number): InterpolatedNetwork {
  try {
    return interpolate(X, y, seed === undefined ? {} : { seed });
  } catch (err) {
    if (err instanceof InputError && /collide|adjacent float64/.test(err.message)) fc.pre(false);
    throw err;
  }
}

/**
 * The certificate is a proof: its bound on |c(x_i) − y_i| is never below the exact residual of the
 * float64 network (computed here independently, in mathjs Fractions) — and it is tight: never above
 * C·(exact residual) + ulp-scale slack (see expectTight), so a certify that answered +∞ or doubled
 * its error term would fail.
 */
describe('certify — rigorous residual bounds', () => {
  test.prop({ sample: realSample(10, 4), seed: fc.integer({ min: 1, max: 1000 }) })(
    'exact residual ≤ certified bound ≤ C·exact residual + 2·L·γ_(d+1)Σ|a_j x_j| at every point (real data)',
    ({ sample, seed }) => {
      const net = interpolateOrDiscard(sample.X, sample.y, seed);
      const cert = certify(net, sample.X, sample.y);
      let worst = ZERO;
      sample.X.forEach((x, i) => {
        const exact = exactResidual(net, x, sample.y[i] as number);
        expect(exact.compare(toFraction(cert.residualBounds[i] as number))).toBeLessThanOrEqual(0);
        expectTight(net, x, sample.y[i] as number, cert.residualBounds[i] as number);
        if (exact.compare(worst) > 0) worst = exact;
      });
      expect(worst.compare(toFraction(cert.maxResidual))).toBeLessThanOrEqual(0);
      expect(cert.residualBounds).toContain(cert.maxResidual);
    },
  );

  test.prop({ sample: integerSample(12, 5), seed: fc.integer({ min: 1, max: 1000 }) })(
    'integer data on the dyadic direction grid: projections exact, exact residual ≤ bound ≤ C·exact residual, every label recovered',
    ({ sample, seed }) => {
      const net = interpolate(sample.X, sample.y, { seed });
      const cert = certify(net, sample.X, sample.y);
      sample.X.forEach((x, i) => {
        const exact = exactResidual(net, x, sample.y[i] as number);
        expect(exact.compare(toFraction(cert.residualBounds[i] as number))).toBeLessThanOrEqual(0);
        expect(expectTight(net, x, sample.y[i] as number, cert.residualBounds[i] as number)).toBe(true);
      });
      expect(cert.exactProjections).toBe(sample.n);
      expect(cert.labelsRecovered).toBe(1);
    },
  );

  test.prop({ sample: integerSample(10, 3), shift: fc.integer({ min: 36, max: 44 }), seed: fc.integer({ min: 1, max: 1000 }) })(
    'integer data past the exactness limit (coordinates ~2^36…2^44, mostly Σ|a_j x_j| > 2^(52−s)): certify takes the exact branch exactly where the rule allows, exact residual ≤ bound ≤ tight',
    ({ sample, shift, seed }) => {
      // the sample's points spread apart (×2^16) and moved far from the origin (+2^shift): integer, distinct
      const X = sample.X.map((row) => row.map((v) => v * 2 ** 16 + 2 ** shift));
      const net = interpolateOrDiscard(X, sample.y, seed);
      const cert = certify(net, X, sample.y);
      let exactRows = 0;
      X.forEach((x, i) => {
        expect(exactResidual(net, x, sample.y[i] as number).compare(toFraction(cert.residualBounds[i] as number))).toBeLessThanOrEqual(0);
        if (expectTight(net, x, sample.y[i] as number, cert.residualBounds[i] as number)) exactRows++;
      });
      expect(cert.exactProjections).toBe(exactRows);
    },
  );

  test.prop({ sample: integerSample(10, 4), k: fc.integer({ min: 2, max: 5 }) })(
    'one-hot outputs: bound ≥ exact residual in every output, argmax recovers every class',
    ({ sample, k }) => {
      const labels = sample.y.map((v) => Math.abs(v) % k);
      const net = interpolateClasses(sample.X, labels, { classes: k });
      expect(net.parameterCount).toBe(sample.d + net.n + net.n * k);
      const cert = certify(net, sample.X, labels);
      sample.X.forEach((x, i) => {
        let worst = { c: 0, r: ZERO };
        for (let c = 0; c < k; c++) {
          const exact = exactResidual(net, x, labels[i] === c ? 1 : 0, c);
          expect(exact.compare(toFraction(cert.residualBounds[i] as number))).toBeLessThanOrEqual(0);
          if (exact.compare(worst.r) > 0) worst = { c, r: exact };
        }
        // the row's bound is the largest over outputs: tight against the worst output's residual
        expect(expectTight(net, x, labels[i] === worst.c ? 1 : 0, cert.residualBounds[i] as number, worst.c)).toBe(true);
        expect(net.classify(x)).toBe(labels[i]);
      });
      expect(cert.labelsRecovered).toBe(1);
    },
  );

  test.prop({ sample: realSample(10, 4) })(
    'O(log n) prefix-sum evaluation agrees with the O(n) ReLU sum within its rounding-error bound γ_(n+2)·Σ|w_j|·max(ẑ − b_j, 0)',
    ({ sample }) => {
      const net = interpolateOrDiscard(sample.X, sample.y);
      const g = gamma(net.n + 2);
      for (const x of sample.X) {
        const z = net.project(x);
        let magnitude = 0;
        for (let j = 0; j < net.n; j++) magnitude += Math.abs(net.w[j] as number) * Math.max(z - (net.b[j] as number), 0);
        const fast = net.outputAtProjection(z)[0] as number;
        const naive = net.outputNaive(x)[0] as number;
        expect(Math.abs(fast - naive)).toBeLessThanOrEqual(3 * g * magnitude + Number.MIN_VALUE);
      }
    },
  );

  test('a wrong network is not certified: perturbing one weight breaks the bound on that point', () => {
    const X = [[0], [1], [2], [3]];
    const y = [1, 0, 1, 0];
    const net = interpolate(X, y, { direction: { kind: 'explicit', a: [1] } }); // z = x, b = (−1, 0.25, 1.25, 2.25)
    const w = Float64Array.from(net.w);
    w[2] = (w[2] as number) + 1; // unit 2 adds 0.75 at x = 2 and 1.75 at x = 3
    const wrong = { a: net.a, b: net.b, w, k: 1 };
    const cert = certify(wrong, X, y);
    expect(Array.from(cert.recovered)).toEqual([1, 1, 0, 0]);
    expect(cert.labelsRecovered).toBe(0.5);
    // the bounds are the residuals, 0.75 and 1.75, up to the construction's rounding and C
    expect(cert.residualBounds[2]).toBeCloseTo(0.75, 12);
    expect(cert.residualBounds[3]).toBeCloseTo(1.75, 12);
    X.forEach((x, i) => expect(expectTight(wrong, x, y[i]!, cert.residualBounds[i]!)).toBe(true));
  });
});

/**
 * A hostile fuzz of the network's weights and of the data: NaN, ±∞, ±0, subnormals, 1e308 and
 * values that overflow Σ|a_j x_j| or the slopes. Non-finite parameters, data or labels are refused
 * with an InputError; everything else must give a certificate whose bounds are never NaN, never below
 * the exact residual, and that recovers a label only where it is exactly recovered. Non-finite data
 * written into an already validated matrix are found again (every call validates) and refused.
 */
describe('certify on hostile input', () => {
  const hostile = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(0, -0, 1, -1, 0.5, 3, 2 ** 53, 1e308, -1e308, Number.MAX_VALUE, 2 ** -1074, -(2 ** -1074), 1e-300) },
    { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity) },
    { weight: 2, arbitrary: fc.double() }, // every float64, NaN and ±∞ included
  );
  const problem = fc
    .record({ d: fc.integer({ min: 1, max: 3 }), n: fc.integer({ min: 0, max: 3 }), rows: fc.integer({ min: 1, max: 3 }), k: fc.constantFrom(1, 2) })
    .chain(({ d, n, rows, k }) =>
      fc.record({
        net: fc.record({
          a: fc.array(hostile, { minLength: d, maxLength: d }),
          b: fc.array(hostile, { minLength: n, maxLength: n }),
          w: fc.array(hostile, { minLength: n * k, maxLength: n * k }),
        }),
        k: fc.constant(k),
        X: fc.array(fc.array(hostile, { minLength: d, maxLength: d }), { minLength: rows, maxLength: rows }),
        y: fc.array(k === 1 ? fc.oneof(fc.integer({ min: -3, max: 3 }), hostile) : fc.integer({ min: 0, max: k - 1 }), { minLength: rows, maxLength: rows }),
      }),
    );

  /** Soundness of one certificate against exact evaluation, for the rows whose data are finite. */
  function expectSound(net: ReluNetworkParameters, X: number[][], y: number[], cert: Certificate): void {
    X.forEach((x, i) => {
      const bound = cert.residualBounds[i] as number;
      expect(Number.isNaN(bound)).toBe(false);
      if (!x.every(Number.isFinite)) {
        expect([bound, cert.recovered[i]]).toEqual([Infinity, 0]);
        return;
      }
      const outputs = Array.from({ length: net.k }, (_, c) => exactOutput(net, x, c));
      const targets = outputs.map((_, c) => (net.k === 1 ? (y[i] as number) : y[i] === c ? 1 : 0));
      outputs.forEach((out, c) => {
        if (bound < Infinity) expect(out.sub(toFraction(targets[c] as number)).abs().compare(toFraction(bound))).toBeLessThanOrEqual(0);
      });
      if (cert.recovered[i] === 1) {
        if (net.k === 1) expect(outputs[0]!.sub(toFraction(y[i] as number)).abs().compare(toFraction(0.5))).toBe(-1);
        else outputs.forEach((out, c) => c !== y[i] && expect(outputs[y[i] as number]!.compare(out)).toBe(1));
      }
    });
    expect(Number.isNaN(cert.maxResidual)).toBe(false);
  }

  test.prop({ p: problem }, { numRuns: 300 })('refused with an InputError, or sound: no NaN, bound ≥ exact residual, recovered only if exactly recovered', ({ p }) => {
    const net = { a: Float64Array.from(p.net.a), b: Float64Array.from(p.net.b), w: Float64Array.from(p.net.w), k: p.k };
    const finiteNet = [...p.net.a, ...p.net.b, ...p.net.w].every(Number.isFinite);
    const finiteData = p.X.every((x) => x.every(Number.isFinite));
    const finiteLabels = p.y.every(Number.isFinite);
    let cert: Certificate;
    try {
      cert = certify(net, p.X, p.y);
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      expect(finiteNet && finiteData && finiteLabels).toBe(false);
      return;
    }
    expect(finiteNet && finiteData && finiteLabels).toBe(true);
    expectSound(net, p.X, p.y, cert);
    if (cert.labelsRecovered === 1) expect(cert.maxResidual).toBeLessThan(p.k === 1 ? 0.5 : 1);
  });

  test.prop({ p: problem }, { numRuns: 200 })('non-finite data written after validation is found again: refused by name, never certified; finite data stays sound', ({ p }) => {
    const net = { a: Float64Array.from(p.net.a), b: Float64Array.from(p.net.b), w: Float64Array.from(p.net.w), k: p.k };
    fc.pre([...p.net.a, ...p.net.b, ...p.net.w].every(Number.isFinite) && p.y.every(Number.isFinite));
    const Xm = toMatrix(p.X.map((x) => x.map((v) => (Number.isFinite(v) ? v : 0)))); // validated …
    p.X.forEach((x, i) => x.forEach((v, j) => (Xm.data[i * Xm.cols + j] = v))); // … then overwritten
    if (p.X.flat().every(Number.isFinite)) expectSound(net, p.X, p.y, certify(net, Xm, p.y));
    else expect(() => certify(net, Xm, p.y)).toThrow(/X\[\d+\]\[\d+\] is (NaN|Infinity|-Infinity); every feature must be a finite number/);
  });
});
