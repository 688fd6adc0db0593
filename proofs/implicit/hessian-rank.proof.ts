import fc from 'fast-check';
import { test as propTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { ZERO, toFraction, type Fraction } from '../../src/exact/fraction.js';
import { rank, solveExact } from '../../src/exact/linear.js';
import { fractionRows, sgdExact } from '../../src/implicit/exact.js';

const dot = (a: readonly Fraction[], b: readonly Fraction[]) => a.reduce((s, v, j) => s.add(v.mul(b[j]!)), ZERO);

/**
 * ∇L(w) for L(w) = (1/2n)‖Xw − y‖², through the project's exact SGD: one step of `sgdExact` on example
 * i with step size 1 moves w by −∇ℓ_i(w), so ∇L(w) = (1/n)·Σ_i (w − sgdExact(X, y, [i], 1, w)_1).
 */
function gradientThroughSgd(X: Fraction[][], y: Fraction[], w: Fraction[]): Fraction[] {
  const n = X.length;
  const g = w.map(() => ZERO);
  for (let i = 0; i < n; i++) {
    const next = sgdExact(X, y, [i], 1, w)[1]!;
    next.forEach((c, j) => (g[j] = g[j]!.add(w[j]!.sub(c))));
  }
  return g.map((c) => c.div(n));
}

/** The Hessian of L at w through the project's gradient: column j is ∇L(w + e_j) − ∇L(w) (exact: L is quadratic). (d, d) */
function hessianThroughSgd(X: Fraction[][], y: Fraction[], w: Fraction[]): Fraction[][] {
  const g0 = gradientThroughSgd(X, y, w);
  const columns = w.map((_, j) => gradientThroughSgd(X, y, w.map((c, k) => (k === j ? c.add(1) : c))).map((c, k) => c.sub(g0[k]!)));
  return w.map((_, r) => columns.map((col) => col[r]!)); // rows of H
}

/**
 * Paper §5: at every interpolant the gradient of the square loss vanishes and its curvature is the
 * same — the Hessian XᵀX/n does not depend on w — with rank X ≤ n, so curvature cannot tell
 * interpolants apart. The Hessian is obtained through the project's exact SGD step (sgdExact) and
 * compared with XᵀX/n computed here. And Eq. 3 needs rank X = n: with fewer independent rows (a linear
 * kernel on n > d points) generic labels admit no interpolant — the claim "every y can be
 * interpolated" is refuted by search.
 */
describe('the Hessian and the rank condition', () => {
  const problem = fc.record({ n: fc.integer({ min: 1, max: 4 }), extra: fc.integer({ min: 1, max: 3 }) }).chain(({ n, extra }) =>
    fc.record({
      X: fc.array(fc.array(fc.integer({ min: -4, max: 4 }), { minLength: n + extra, maxLength: n + extra }), { minLength: n, maxLength: n }),
      y: fc.array(fc.integer({ min: -6, max: 6 }), { minLength: n, maxLength: n }),
      free: fc.array(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: n + extra, maxLength: n + extra }), { minLength: 2, maxLength: 2 }),
    }),
  );
  propTest.prop({ p: problem })(
    'at two different interpolants the gradient (through sgdExact) is 0 and the Hessian is the same matrix XᵀX/n, of rank rank X ≤ n',
    ({ p }) => {
      const X = fractionRows(p.X);
      const n = X.length;
      const y = p.y.map((v) => toFraction(v));
      const interpolants = p.free.map((f) => solveExact(X, y, f.map((v) => toFraction(v))));
      fc.pre(interpolants.every((w) => w !== null));
      const expected = X[0]!.map((_, j) => X[0]!.map((__, k) => X.reduce((s, xi) => s.add(xi[j]!.mul(xi[k]!)), ZERO).div(n))); // (d, d)
      for (const w of interpolants as Fraction[][]) {
        X.forEach((xi, i) => expect(dot(xi, w)).toEqualFraction(y[i]!)); // an interpolant …
        gradientThroughSgd(X, y, w).forEach((g) => expect(g).toEqualFraction(0)); // … is a stationary point
        const H = hessianThroughSgd(X, y, w);
        H.forEach((row, j) => row.forEach((h, k) => expect(h).toEqualFraction(expected[j]![k]!)));
      }
      expect(rank(expected)).toBeLessThanOrEqual(n);
      expect(rank(expected)).toBe(rank(X));
    },
  );

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
