import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { certify } from '../src/expressivity/certify.js';
import { interpolate, interpolateClasses, type InterpolatedNetwork } from '../src/expressivity/interpolate.js';
import { InputError } from '../src/errors.js';
import { gamma } from '../src/numeric/float.js';
import { ZERO, reluFraction, toFraction, type Fraction } from '../src/exact/fraction.js';
import type { ReluNetworkParameters } from '../src/expressivity/network.js';
import { integerSample, realSample } from './arbitraries.js';

/** c(x) in exact rationals, with the float64 parameters taken at their exact values. */
function exactOutput(net: ReluNetworkParameters, x: readonly number[], output = 0): Fraction {
  const z = x.reduce((s, v, j) => s.add(toFraction(v).mul(toFraction(net.a[j] as number))), ZERO);
  let c = ZERO;
  for (let j = 0; j < net.b.length; j++) {
    c = c.add(toFraction(net.w[j * net.k + output] as number).mul(reluFraction(z.sub(toFraction(net.b[j] as number)))));
  }
  return c;
}

/** |c(x) − target|, exactly. */
function exactResidual(net: ReluNetworkParameters, x: readonly number[], target: number, output = 0): Fraction {
  return exactOutput(net, x, output).sub(toFraction(target)).abs();
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
 * float64 network (computed here independently, in mathjs Fractions), and it is tight enough to
 * recover every integer label.
 */
describe('certify — rigorous residual bounds', () => {
  test.prop({ sample: realSample(10, 4), seed: fc.integer({ min: 1, max: 1000 }) })(
    'the certified bound is ≥ the exact residual at every point (real data, γ_d projection bound)',
    ({ sample, seed }) => {
      const net = interpolateOrDiscard(sample.X, sample.y, seed);
      const cert = certify(net, sample.X, sample.y);
      sample.X.forEach((x, i) => {
        const exact = exactResidual(net, x, sample.y[i] as number);
        expect(exact.compare(toFraction(cert.residualBounds[i] as number))).toBeLessThanOrEqual(0);
      });
      expect(cert.maxResidual).toBe(Math.max(...cert.residualBounds));
    },
  );

  test.prop({ sample: integerSample(12, 5), seed: fc.integer({ min: 1, max: 1000 }) })(
    'integer data on the dyadic direction grid: projections exact, bound ≥ exact residual, every label recovered',
    ({ sample, seed }) => {
      const net = interpolate(sample.X, sample.y, { seed });
      const cert = certify(net, sample.X, sample.y);
      sample.X.forEach((x, i) => {
        expect(exactResidual(net, x, sample.y[i] as number).compare(toFraction(cert.residualBounds[i] as number))).toBeLessThanOrEqual(0);
      });
      expect(cert.exactProjections).toBe(sample.n);
      expect(cert.labelsRecovered).toBe(1);
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
        for (let c = 0; c < k; c++) {
          const target = labels[i] === c ? 1 : 0;
          expect(exactResidual(net, x, target, c).compare(toFraction(cert.residualBounds[i] as number))).toBeLessThanOrEqual(0);
        }
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
    const cert = certify({ a: net.a, b: net.b, w, k: 1 }, X, y);
    expect(cert.labelsRecovered).toBe(0.5);
    expect(cert.maxResidual).toBeGreaterThan(0.5);
  });
});
