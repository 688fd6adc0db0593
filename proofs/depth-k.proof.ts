import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { deepen, fractionField, numberField } from '../src/expressivity/deep.js';
import { interpolateExact } from '../src/expressivity/exact.js';
import { interpolate } from '../src/expressivity/interpolate.js';
import { toFraction } from '../src/exact/fraction.js';
import { integerSample } from './arbitraries.js';

/**
 * Depth-k variant of Theorem 1 (Zhang et al. 2017, §4; construction in docs/theory.md §1.5): k hidden layers of width ⌈n/k⌉ + 3 compute the same function as
 * the two-layer network on all of R^d — checked exactly at random rational inputs, not only at
 * the training points.
 */
describe('Theorem 1, depth k — width ⌈n/k⌉ + 3 suffices', () => {
  const input = (d: number) => fc.array(fc.tuple(fc.integer({ min: -300, max: 300 }), fc.integer({ min: 1, max: 9 })), { minLength: d, maxLength: d });

  test.prop({
    case: integerSample(12, 3).chain((sample) =>
      fc.record({ sample: fc.constant(sample), k: fc.integer({ min: 1, max: sample.n + 2 }), xs: fc.array(input(sample.d), { minLength: 1, maxLength: 8 }) }),
    ),
  })('deep ≡ shallow exactly, at training points and at random rational inputs', ({ case: { sample, k, xs } }) => {
    const shallow = interpolateExact(sample.X, sample.y);
    const deep = deepen(shallow, k, fractionField);
    expect(deep.widths.length).toBe(k);
    for (const width of deep.widths) expect(width).toBeLessThanOrEqual(Math.ceil(shallow.n / k) + 3);
    sample.X.forEach((x, i) => expect(deep.evaluate(x.map((v) => toFraction(v)))).toEqualFraction(sample.y[i] as number));
    for (const x of xs) {
      const xf = x.map(([p, q]) => toFraction(`${p}/${q}`));
      expect(deep.evaluate(xf)).toEqualFraction(shallow.evaluate(xf));
    }
  });

  test.prop({ sample: integerSample(12, 3), k: fc.integer({ min: 1, max: 6 }) })('float64 deep network follows the float64 shallow one at the training points', ({ sample, k }) => {
    const net = interpolate(sample.X, sample.y);
    const deep = deepen(net, k, numberField);
    const scale = Math.max(1, ...Array.from(net.w, Math.abs)) * Math.max(1, ...Array.from(net.zSorted, Math.abs));
    for (const x of sample.X) expect(Math.abs(deep.evaluate(x) - net.predict(x))).toBeLessThanOrEqual(1e-9 * scale * net.n);
  });
});
