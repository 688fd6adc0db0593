import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { toFraction } from '../../src/exact/fraction.js';
import { rank } from '../../src/exact/linear.js';
import { fractionRows, sgdExact } from '../../src/implicit/exact.js';

const problem = fc.record({ n: fc.integer({ min: 1, max: 4 }), d: fc.integer({ min: 1, max: 5 }) }).chain(({ n, d }) =>
  fc.record({
    X: fc.array(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: d, maxLength: d }), { minLength: n, maxLength: n }),
    y: fc.array(fc.integer({ min: -5, max: 5 }), { minLength: n, maxLength: n }),
    order: fc.array(fc.nat({ max: n - 1 }), { minLength: 1, maxLength: 10 }),
    w0: fc.array(fc.integer({ min: -3, max: 3 }), { minLength: d, maxLength: d }),
  }),
);

/**
 * Paper §5: SGD on least squares from w₀ = 0 keeps w_t in the row span of X — checked exactly, in
 * rational arithmetic, by rank: rank [X; w_t] = rank X at every step (independently of how SGD
 * builds w_t). From w₀ ≠ 0 the same holds for w_t − w₀.
 */
describe('SGD stays in the row span', () => {
  test.prop({ p: problem })('w_t ∈ row span(X) for every t from w₀ = 0; w_t − w₀ ∈ row span(X) from any w₀', ({ p }) => {
    const X = fractionRows(p.X);
    const rankX = rank(X);
    const lr = '1/7'; // any rational step
    for (const w of sgdExact(X, p.y, p.order, lr)) expect(rank([...X, w])).toBe(rankX);
    const w0 = p.w0.map((v) => toFraction(v));
    for (const w of sgdExact(X, p.y, p.order, lr, p.w0)) expect(rank([...X, w.map((v, j) => v.sub(w0[j]!))])).toBe(rankX);
  });
  test.prop({ p: problem })('the check can fail: from a w₀ outside the row span, every iterate stays outside', ({ p }) => {
    const X = fractionRows(p.X);
    const rankX = rank(X);
    fc.pre(rank([...X, p.w0.map((v) => toFraction(v))]) > rankX);
    for (const w of sgdExact(X, p.y, p.order, '1/7', p.w0)) expect(rank([...X, w])).toBe(rankX + 1);
  });
});
