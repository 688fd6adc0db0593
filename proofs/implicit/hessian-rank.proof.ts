import fc from 'fast-check';
import { test as propTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { ZERO, toFraction, type Fraction } from '../../src/exact/fraction.js';
import { rank, solveExact } from '../../src/exact/linear.js';
import { fractionRows } from '../../src/implicit/exact.js';

const dot = (a: readonly Fraction[], b: readonly Fraction[]) => a.reduce((s, v, j) => s.add(v.mul(b[j]!)), ZERO);

/**
 * Paper §5: the curvature of the square loss is the same at every interpolant — the Hessian
 * XᵀX/n does not depend on w — and has rank ≤ n, so it cannot tell interpolants apart (exact).
 * And Eq. 3 needs rank X = n: with fewer independent rows (a linear kernel on n > d points) generic
 * labels admit no interpolant — the claim "every y can be interpolated" is refuted by search.
 */
describe('the Hessian and the rank condition', () => {
  const problem = fc.record({ n: fc.integer({ min: 1, max: 4 }), extra: fc.integer({ min: 1, max: 3 }) }).chain(({ n, extra }) =>
    fc.record({
      X: fc.array(fc.array(fc.integer({ min: -4, max: 4 }), { minLength: n + extra, maxLength: n + extra }), { minLength: n, maxLength: n }),
      y: fc.array(fc.integer({ min: -6, max: 6 }), { minLength: n, maxLength: n }),
      free: fc.array(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: n + extra, maxLength: n + extra }), { minLength: 2, maxLength: 2 }),
      v: fc.array(fc.integer({ min: -5, max: 5 }), { minLength: n + extra, maxLength: n + extra }),
    }),
  );
  propTest.prop({ p: problem })('∇L(w + v) − ∇L(w) is the same at two different interpolants, and rank XᵀX ≤ n', ({ p }) => {
    const X = fractionRows(p.X);
    const n = X.length;
    const y = p.y.map((v) => toFraction(v));
    const grad = (w: Fraction[]) => X[0]!.map((_, j) => X.reduce((s, xi, i) => s.add(xi[j]!.mul(dot(xi, w).sub(y[i]!))), ZERO).div(n));
    const interpolants = p.free.map((f) => solveExact(X, y, f.map((v) => toFraction(v))));
    fc.pre(interpolants.every((w) => w !== null));
    const v = p.v.map((c) => toFraction(c));
    const curvature = interpolants.map((w) => {
      const g0 = grad(w!);
      const g1 = grad(w!.map((c, j) => c.add(v[j]!)));
      return g1.map((c, j) => c.sub(g0[j]!));
    });
    curvature[0]!.forEach((c, j) => expect(c).toEqualFraction(curvature[1]![j]!));
    const H = X[0]!.map((_, j) => X[0]!.map((__, k) => X.reduce((s, xi) => s.add(xi[j]!.mul(xi[k]!)), ZERO).div(n))); // (d, d)
    expect(rank(H)).toBeLessThanOrEqual(n);
    expect(rank(H)).toBe(rank(X));
  });

  test('known-false: "a linear model interpolates any labels" — refuted when rank X < n', () => {
    const claim = fc.property(
      fc.record({ n: fc.integer({ min: 2, max: 5 }), d: fc.integer({ min: 1, max: 3 }) }).chain(({ n, d }) =>
        fc.record({
          X: fc.array(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: d, maxLength: d }), { minLength: n, maxLength: n }),
          y: fc.array(fc.integer({ min: -3, max: 3 }), { minLength: n, maxLength: n }),
        }),
      ),
      ({ X, y }) => solveExact(fractionRows(X), y.map((v) => toFraction(v))) !== null,
    );
    const found = fc.check(claim, { seed: Number(process.env.FC_SEED), numRuns: 300 });
    expect(found.failed).toBe(true);
    const [{ X, y }] = found.counterexample!;
    console.log(`interpolation refuted (seed ${found.seed}, path ${found.counterexamplePath}): X = ${JSON.stringify(X)}, y = ${JSON.stringify(y)}`);
    const Xf = fractionRows(X);
    expect(rank(Xf)).toBeLessThan(X.length); // the counterexample has rank X < n …
    expect(rank(Xf.map((r, i) => [...r, toFraction(y[i]!)]))).toBe(rank(Xf) + 1); // … and y outside the column space
  });
});
