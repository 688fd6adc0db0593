/**
 * Built-in conjectures about finite-sample expressivity (Zhang et al. 2017, §4 and Appendix C).
 */
import fc from 'fast-check';
import { gappedLine, rationalSample, signVectors } from '../../arbitraries/index.js';
import { toFraction, ZERO, type Fraction } from '../../exact/fraction.js';
import { weightBoundHolds, weightBoundRatio } from '../../expressivity/conjectures.js';
import { interpolateExact } from '../../expressivity/exact.js';
import { interpolate } from '../../expressivity/interpolate.js';
import type { ReluNetwork } from '../../expressivity/network.js';
import { conjecture } from '../conjecture.js';
import { pointsTable } from '../format.js';
import { labelledPoints, signChangesAlong } from './common.js';

const ZHANG_T1 = 'Zhang, Bengio, Hardt, Recht & Vinyals 2017, Theorem 1 (§4, proof in Appendix C)';

/** Theorem 1, exactly: the construction interpolates any rational labels on distinct rational points. */
export const theorem1Exact = conjecture({
  name: 'theorem1-exact',
  statement: 'for every n distinct points in d dimensions and every labelling, the two-layer ReLU network of Theorem 1 has 2n + d weights and c(x_i) = y_i exactly (rational arithmetic)',
  source: ZHANG_T1,
  expected: 'holds',
  numRuns: 100,
  arbitrary: rationalSample(6, 3),
  predicate: ({ n, d, X, y }) => {
    const net = interpolateExact(X, y);
    return net.parameterCount === 2 * n + d && X.every((x, i) => net.evaluate(x).equals(toFraction(y[i] as string)));
  },
  show: ({ X, y }) => pointsTable(X, y),
  classify: ({ n, d }) => `n = ${n}, d = ${d}`,
});

const onLine = labelledPoints(fc.integer({ min: -20, max: 20 }), fc.integer({ min: -20, max: 20 }), { minN: 1, maxN: 8, unique: true }).map(({ x, y }) => ({
  X: x.map((v) => [v]),
  y,
}));

/** The paper's remark after Lemma 1, read as a bound on the weights: false. */
export const weightBound = conjecture({
  name: 'weight-bound',
  statement: "Theorem 1's weights obey ‖w‖ ≤ ‖y‖ / min_i (z_(i) − b_i): the smallest diagonal entry of the triangular system bounds the solution",
  source: 'the remark after Lemma 1 in Zhang et al. 2017, Appendix C (the smallest eigenvalue "gives reasonable bounds" on w); checked exactly',
  expected: 'refuted',
  numRuns: 100,
  arbitrary: onLine,
  predicate: ({ X, y }) => weightBoundHolds(X, y),
  score: ({ X, y }) => Number(weightBoundRatio(X, y).valueOf()) - 1,
  show: ({ X, y }) => {
    const net = interpolateExact(X, y);
    const w = new Array<string>(X.length);
    net.order.forEach((row, j) => (w[row] = (net.w[j] as Fraction).toFraction()));
    return `${pointsTable(X, y, { w })}\n‖w‖²·min(z − b)² / ‖y‖² = ${weightBoundRatio(X, y).toFraction()} > 1`;
  },
});

/** c(x) in float32: weights rounded to float32 and every operation rounded to float32. */
function outputFloat32(net: ReluNetwork, x: readonly number[]): number {
  const f = Math.fround;
  let z = 0;
  x.forEach((v, j) => (z = f(z + f(f(net.a[j] as number) * f(v)))));
  let out = 0;
  for (let j = 0; j < net.n; j++) {
    const h = f(z - f(net.b[j] as number));
    if (h > 0) out = f(out + f(f(net.w[j] as number) * h));
  }
  return out;
}

const lineWithSigns = fc
  .record({ x: gappedLine({ minN: 2, maxN: 12, minGap: 2 ** -20, maxGap: 1, maxOffset: 1000 }), y: signVectors({ minN: 12, maxN: 12 }) })
  .map(({ x, y }) => ({ x, y: y.slice(0, x.length) }));

/** min_i y_i·c32(x_i): positive when float32 recovers every label. */
function float32Margin({ x, y }: { x: number[]; y: number[] }): number {
  const net = interpolate(x.map((v) => [v]), y, { seed: 1 });
  return Math.min(...x.map((v, i) => (y[i] as number) * outputFloat32(net, [v])));
}

/** Theorem 1 in float32 on data with small gaps: a numerical counterexample. */
export const theorem1Float32 = conjecture({
  name: 'theorem1-float32',
  statement: "Theorem 1's network (built in float64, stored and evaluated in float32) recovers every ±1 label, sign c(x_i) = y_i, on points of a line whose gaps range from 2^-20 to 1 at offsets up to 1000",
  source: `${ZHANG_T1}, run in the float32 arithmetic of deep-learning hardware`,
  expected: 'refuted',
  numRuns: 200,
  arbitrary: lineWithSigns,
  predicate: (s) => float32Margin(s) > 0,
  score: (s) => -float32Margin(s),
  show: ({ x, y }) => {
    const net = interpolate(x.map((v) => [v]), y, { seed: 1 });
    return pointsTable(x.map((v) => [v]), y, { 'c(x) float64': x.map((v) => net.predict([v])), 'c(x) float32': x.map((v) => outputFloat32(net, [v])) });
  },
  classify: ({ x }) => `n = ${x.length}`,
});

const biasSample = fc
  .record({
    points: labelledPoints(fc.integer({ min: -20, max: 20 }), fc.constantFrom(-1, 1), { minN: 2, maxN: 12, unique: true }),
    j: fc.integer({ min: 1, max: 4 }),
  })
  .map(({ points, j }) => ({ X: points.x.map((v) => [v]), y: points.y, lambda: `${16 + j}/32` }));

/** max_i |w_i| · min_i (z_(i) − b_i) / (n·max|y|), exactly: ≤ 1 when the weights are "well conditioned". */
function biasGrowth({ X, y, lambda }: { X: number[][]; y: number[]; lambda: string }): Fraction {
  const net = interpolateExact(X, y, { lambda });
  let minDiagonal = (net.zSorted[0] as Fraction).sub(net.b[0] as Fraction);
  net.zSorted.forEach((z, i) => {
    const diag = z.sub(net.b[i] as Fraction);
    if (diag.compare(minDiagonal) < 0) minDiagonal = diag;
  });
  const maxW = net.w.reduce((m, w) => (w.abs().compare(m) > 0 ? w.abs() : m), ZERO);
  return maxW.mul(minDiagonal).div(X.length);
}

/** λ > ½ makes the slope recurrence grow like (λ/(1−λ))^n. */
export const biasPlacement = conjecture({
  name: 'bias-placement',
  statement: 'placing each bias a little past the middle of its gap, at a fraction λ ∈ (½, ⅝], keeps Theorem 1 well conditioned: max_i |w_i| ≤ n·max_i |y_i| / min_i (z_(i) − b_i) for ±1 labels (exact)',
  source: `${ZHANG_T1}: any interleaving b_1 < z_(1) < b_2 < … < b_n < z_(n) gives an invertible triangular system; the slopes obey s_i = Δy_i/((1−λ)g_i) − (λ/(1−λ))·s_(i−1)`,
  expected: 'refuted',
  numRuns: 100,
  arbitrary: biasSample,
  predicate: (s) => biasGrowth(s).compare(1) <= 0,
  score: (s) => Number(biasGrowth(s).valueOf()) - 1,
  show: (s) => {
    const net = interpolateExact(s.X, s.y, { lambda: s.lambda });
    const w = new Array<string>(s.X.length);
    net.order.forEach((row, j) => (w[row] = (net.w[j] as Fraction).toFraction()));
    return `λ = ${s.lambda}\n${pointsTable(s.X, s.y, { w })}\nmax|w|·min(z − b) / (n·max|y|) = ${biasGrowth(s).toFraction()} > 1`;
  },
});

const labelledLine = labelledPoints(fc.integer({ min: -50, max: 50 }), fc.constantFrom(-1, 1), { minN: 10, maxN: 24, unique: true });

/**
 * On ℝ, h ReLU units (plus an output bias) make a continuous piecewise-linear function with at most
 * h breakpoints, hence h + 1 linear pieces and at most h + 1 sign changes; labels that change sign
 * more often along the line cannot be fitted. The predicate is false exactly when this certificate
 * applies.
 */
export const hiddenUnits = conjecture({
  name: 'hidden-units-n-minus-3',
  statement: 'for every n distinct points on a line, 10 ≤ n ≤ 24, and every ±1 labelling, a one-hidden-layer ReLU network with n − 3 hidden units (and an output bias) fits the labels in sign',
  source: 'a plausible economy on Theorem 1 of Zhang et al. 2017 (n units); refuted by counting affine pieces as in Telgarsky 2016 ("Benefits of depth in neural networks", §2): a sum of h one-breakpoint functions has ≤ h breakpoints, so ≤ h + 1 sign changes',
  expected: 'refuted',
  numRuns: 2000,
  arbitrary: labelledLine,
  predicate: ({ x, y }) => signChangesAlong(x, y) <= x.length - 2,
  score: ({ x, y }) => signChangesAlong(x, y) - (x.length - 2),
  show: ({ x, y }) => {
    const order = x.map((_, i) => i).sort((i, j) => (x[i] as number) - (x[j] as number));
    const changes = signChangesAlong(x, y);
    return `${pointsTable(order.map((i) => [x[i] as number]), order.map((i) => y[i] as number))}\ncertificate: sorted along the line the labels change sign ${changes} times; h = n − 3 = ${x.length - 3} units give a piecewise-linear function with ≤ ${x.length - 3} breakpoints, so ≤ ${x.length - 2} sign changes`;
  },
  classify: ({ x }) => `n = ${x.length}`,
});

const withRepeats = labelledPoints(fc.integer({ min: -20, max: 20 }), fc.integer({ min: -5, max: 5 }), { minN: 1, maxN: 8, unique: false });

/** Rows i < j with x_i = x_j and y_i ≠ y_j, or null. */
function conflict({ x, y }: { x: number[]; y: number[] }): [number, number] | null {
  for (let j = 1; j < x.length; j++) for (let i = 0; i < j; i++) if (x[i] === x[j] && y[i] !== y[j]) return [i, j];
  return null;
}

/** Theorem 1 needs distinct points: duplicates with different labels are fitted by no function. */
export const duplicatesFittable = conjecture({
  name: 'duplicates-fittable',
  statement: 'every labelled sample on a line, repeated points allowed, is fitted by some function (Theorem 1 without "distinct")',
  source: `${ZHANG_T1}, whose hypothesis "n distinct points" is dropped; when no two equal points disagree, the exact construction fits every row`,
  expected: 'refuted',
  numRuns: 100,
  arbitrary: withRepeats,
  predicate: (s) => {
    if (conflict(s) !== null) return false;
    const net = interpolateExact(s.x.map((v) => [v]), s.y); // merges equal rows with equal labels
    return s.x.every((v, i) => net.evaluate([v]).equals(s.y[i] as number));
  },
  show: (s) => {
    const c = conflict(s);
    return `${pointsTable(s.x.map((v) => [v]), s.y)}${c ? `\ncertificate: rows ${c[0]} and ${c[1]} are the same point x = ${s.x[c[0]]} with labels ${s.y[c[0]]} ≠ ${s.y[c[1]]}` : ''}`;
  },
});
