import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { InputError } from '../src/errors.js';
import { interpolateExact } from '../src/expressivity/exact.js';
import { interpolate } from '../src/expressivity/interpolate.js';
import { toFraction } from '../src/exact/fraction.js';
import { integerSample } from './arbitraries.js';

/**
 * The hypothesis "n distinct points" is necessary: a function takes one value at a point, so two
 * copies of a point with different labels are fitted by no function — in particular by no
 * network. The constructions refuse such data, naming the rows; copies with equal labels are merged.
 */
describe('Theorem 1 needs distinct points', () => {
  test.prop({ sample: integerSample(8, 3), at: fc.nat(), delta: fc.integer({ min: 1, max: 9 }) })(
    'a network that fits one copy misses the other by exactly Δy, so no network fits both (max residual ≥ Δy/2 for any value)',
    ({ sample, at, delta }) => {
      const i = at % sample.n;
      const net = interpolateExact(sample.X, sample.y); // fits copy 1 with label y_i exactly
      const other = (sample.y[i] as number) + delta; // copy 2 of the same point, another label
      const value = net.evaluate(sample.X[i] as number[]);
      expect(value).toEqualFraction(sample.y[i] as number);
      expect(value.sub(other).abs()).toEqualFraction(delta);
      // whatever a function outputs at the point, one of the two labels is at least Δy/2 away
      const best = value.add(other).div(2);
      expect(best.sub(other).abs().compare(toFraction(delta).div(2))).toBe(0);
    },
  );

  test.prop({ sample: integerSample(8, 3), at: fc.nat(), delta: fc.integer({ min: 1, max: 9 }) })(
    'a copy of a point with another label is refused, naming both rows',
    ({ sample, at, delta }) => {
      const i = at % sample.n;
      const X = [...sample.X, sample.X[i] as number[]];
      const y = [...sample.y, (sample.y[i] as number) + delta];
      const message = new RegExp(`rows ${i + 1} and ${sample.n + 1} \\(1-based\\) are the same point with different labels`);
      expect(() => interpolate(X, y)).toThrow(message);
      expect(() => interpolateExact(X, y)).toThrow(message);
      expect(() => interpolate(X, y)).toThrow(InputError);
    },
  );

  test.prop({ sample: integerSample(8, 3), at: fc.nat() })('a copy with the same label is merged, and both rows are fitted', ({ sample, at }) => {
    const i = at % sample.n;
    const X = [...sample.X, sample.X[i] as number[]];
    const y = [...sample.y, sample.y[i] as number];
    const net = interpolate(X, y);
    expect(net.merged).toEqual([{ kept: i, dropped: [sample.n] }]);
    expect(net.parameterCount).toBe(2 * sample.n + sample.d);
    const exact = interpolateExact(X, y);
    expect(exact.merged).toEqual([{ kept: i, dropped: [sample.n] }]);
    X.forEach((x, r) => expect(exact.evaluate(x)).toEqualFraction(y[r] as number));
  });
});
