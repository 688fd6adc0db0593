import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { InputError } from '../src/errors.js';
import { interpolateExact } from '../src/expressivity/exact.js';
import { interpolate } from '../src/expressivity/interpolate.js';
import { ReluNetwork } from '../src/expressivity/network.js';
import { integerSample } from './arbitraries.js';

/**
 * The hypothesis "n distinct points" is necessary: a function takes one value at a point, so two
 * copies of a point with different labels are fitted by no function — in particular by no
 * network. The constructions refuse such data, naming the rows; copies with equal labels are merged.
 */
describe('Theorem 1 needs distinct points', () => {
  test.prop({
    x: fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 4 }),
    params: fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 12, maxLength: 12 }),
  })('every network gives identical points the same output', ({ x, params }) => {
    const d = x.length;
    const a = Float64Array.from({ length: d }, (_, j) => params[j] as number);
    const b = Float64Array.from([-3, -1, 2, 5]);
    const w = Float64Array.from(params.slice(4, 8));
    const net = new ReluNetwork({ a, b, w, k: 1 });
    expect(net.predict([...x])).toBe(net.predict(x.slice()));
  });

  test.prop({ sample: integerSample(8, 3), at: fc.nat(), delta: fc.integer({ min: 1, max: 9 }) })(
    'a copy of a point with another label is refused, naming both rows',
    ({ sample, at, delta }) => {
      const i = at % sample.n;
      const X = [...sample.X, sample.X[i] as number[]];
      const y = [...sample.y, (sample.y[i] as number) + delta];
      const message = new RegExp(`rows ${i} and ${sample.n} are the same point with different labels`);
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
