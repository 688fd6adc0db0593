/**
 * Built-in conjectures about implicit regularization (Zhang et al. 2017, §5): what SGD converges
 * to, and what the norm of the minimum-norm interpolant does and does not track.
 */
import fc from 'fast-check';
import { pointsWithMinGap } from '../../arbitraries/index.js';
import { rank } from '../../exact/linear.js';
import { toFraction, type Fraction } from '../../exact/fraction.js';
import { fractionRows, minNormExact } from '../../implicit/exact.js';
import { kernelInterpolate } from '../../implicit/kernel.js';
import { minNormSolution, sgdLeastSquares } from '../../implicit/least-squares.js';
import { Rng } from '../../random/rng.js';
import { conjecture } from '../conjecture.js';
import { formatScalar, pointsTable, table } from '../format.js';

/** A least-squares problem with more unknowns than equations, small integers, and a start w₀. */
const underdetermined = fc
  .record({ n: fc.integer({ min: 1, max: 3 }), extra: fc.integer({ min: 1, max: 3 }) })
  .chain(({ n, extra }) => {
    const d = n + extra;
    return fc.record({
      X: fc.array(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: d, maxLength: d }), { minLength: n, maxLength: n }),
      y: fc.array(fc.integer({ min: -5, max: 5 }), { minLength: n, maxLength: n }),
      w0: fc.array(fc.integer({ min: -3, max: 3 }), { minLength: d, maxLength: d }),
    });
  });

type Problem = { X: number[][]; y: number[]; w0: number[] };

const norm = (v: ArrayLike<number>) => Math.hypot(...Array.from(v));
const distance = (a: ArrayLike<number>, b: ArrayLike<number>) => norm(Array.from(a, (v, j) => v - (b[j] as number)));
/** ‖w − target‖ − 1e−6·(1 + ‖target‖): at most 0 when w is the target up to the tolerance. */
const beyondTolerance = (w: ArrayLike<number>, target: ArrayLike<number>) => distance(w, target) - 1e-6 * (1 + norm(target));

/** SGD from w₀ until ‖Xw − y‖ ≤ 1e−12‖y‖; rejects (fc.pre) rank-deficient X or a run that did not converge. */
function sgdFrom({ X, y, w0 }: Problem): Float64Array {
  fc.pre(rank(fractionRows(X)) === X.length);
  const r = sgdLeastSquares(X, y, { w0, seed: 1, epochs: 20000, tol: 1e-12 });
  fc.pre(r.residual <= 1e-9 * Math.max(1, norm(y)));
  return r.w;
}

/** The predicted limit X⁺y + (I − P_row)w₀ = w₀ + X⁺(y − Xw₀), exactly. */
function predictedLimit({ X, y, w0 }: Problem): Fraction[] {
  const Xf = fractionRows(X);
  const r = y.map((yi, i) => toFraction(yi).sub((Xf[i] as Fraction[]).reduce((s, x, j) => s.add(x.mul(w0[j] as number)), toFraction(0))));
  const correction = minNormExact(Xf, r) as Fraction[]; // consistent: X has full row rank
  return correction.map((c, j) => c.add(w0[j] as number));
}

function showProblem(p: Problem, columns: Record<string, ArrayLike<number>>): string {
  const rowsX = table(['', ...p.X[0]!.map((_, j) => `x${j + 1}`), 'y'], p.X.map((row, i) => [`row ${i}`, ...row.map(String), String(p.y[i])]));
  const d = p.w0.length;
  const cols = Object.entries(columns);
  const rowsW = table(['j', ...cols.map(([k]) => k)], Array.from({ length: d }, (_, j) => [String(j), ...cols.map(([, v]) => formatScalar(v[j]))]));
  return `${rowsX}\n${rowsW}`;
}

/** SGD from w₀ ≠ 0 does not reach X⁺y. */
export const sgdToPseudoinverse = conjecture({
  name: 'sgd-w0-to-pseudoinverse',
  statement: 'SGD on least squares with more unknowns than equations converges to the minimum-norm solution X⁺y from any start w₀ (‖w_SGD − X⁺y‖ ≤ 1e-6·(1 + ‖X⁺y‖))',
  source: 'Zhang et al. 2017, §5 (the argument assumes w₀ = 0: the iterates stay in w₀ + row span of X, so the limit is X⁺y + (I − P_row)w₀)',
  expected: 'refuted',
  numRuns: 100,
  arbitrary: underdetermined,
  predicate: (p) => beyondTolerance(sgdFrom(p), minNormSolution(p.X, p.y)) <= 0,
  score: (p) => beyondTolerance(sgdFrom(p), minNormSolution(p.X, p.y)),
  show: (p) => {
    const w = sgdLeastSquares(p.X, p.y, { w0: p.w0, seed: 1, epochs: 20000, tol: 1e-12 }).w;
    return showProblem(p, { w0: p.w0, 'w_SGD': w, 'X⁺y': minNormSolution(p.X, p.y) });
  },
});

/** …but it does reach X⁺y + (I − P_row)w₀. */
export const sgdLimit = conjecture({
  name: 'sgd-w0-limit',
  statement: 'SGD on least squares with more unknowns than equations, from any start w₀, converges to X⁺y + (I − P_row)w₀ (the limit computed exactly; ‖w_SGD − limit‖ ≤ 1e-6·(1 + ‖limit‖))',
  source: 'Zhang et al. 2017, §5 (each SGD step adds a multiple of a row of X, so w_t − w₀ stays in the row span; the interpolant there is unique)',
  expected: 'holds',
  numRuns: 100,
  arbitrary: underdetermined,
  predicate: (p) => beyondTolerance(sgdFrom(p), predictedLimit(p).map((v) => Number(v.valueOf()))) <= 0,
  classify: ({ X }) => `n = ${X.length}, d = ${X[0]!.length}`,
});

/** Two clusters in the plane (centres (∓2, 0)), points 0.5 apart within each, true label = cluster; and a random labelling. */
const twoClusters = fc
  .record({
    left: pointsWithMinGap({ minN: 1, maxN: 5, d: 2, minGap: 0.5, maxAbs: 1 }),
    right: pointsWithMinGap({ minN: 1, maxN: 5, d: 2, minGap: 0.5, maxAbs: 1 }),
    random: fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
  })
  .map(({ left, right, random }) => {
    const X = [...left.map(([a, b]) => [(a as number) - 2, b as number]), ...right.map(([a, b]) => [(a as number) + 2, b as number])];
    return { X, trueLabels: [...left.map(() => 0), ...right.map(() => 1)], randomLabels: random.slice(0, X.length).map((b) => (b ? 1 : 0)) };
  });

const GAMMA = 1;

function normRatio({ X, trueLabels, randomLabels }: { X: number[][]; trueLabels: number[]; randomLabels: number[] }): number {
  const kernel = { kind: 'gaussian' as const, gamma: GAMMA };
  return kernelInterpolate(X, randomLabels, { kernel }).rkhsNorm / kernelInterpolate(X, trueLabels, { kernel }).rkhsNorm;
}

/** Interpolating random labels costs far more norm than true labels. */
export const minNormRandomLabels = conjecture({
  name: 'min-norm-random-labels',
  statement: `on small two-cluster problems in the plane, the minimum-norm Gaussian-kernel interpolant (γ = ${GAMMA}) of random labels has an RKHS norm within a factor 2 of the interpolant of the true labels`,
  source: 'Zhang et al. 2017, §5 (kernel interpolation fits any labels; the norm is the candidate complexity measure); Belkin, Ma & Mandal 2018 ("To understand deep learning we need to understand kernel learning", ICML: interpolants of noisy labels have RKHS norms that grow quickly with n)',
  expected: 'refuted',
  numRuns: 100,
  arbitrary: twoClusters,
  predicate: (s) => normRatio(s) <= 2,
  score: (s) => normRatio(s) - 2,
  show: (s) => `${pointsTable(s.X, s.trueLabels, { random: s.randomLabels })}\n‖f_random‖_H / ‖f_true‖_H = ${formatScalar(normRatio(s))} > 2`,
  classify: ({ X }) => `n = ${X.length}`,
});

/** Two concentric spheres in ℝ^10 (radii 1 and 1.1), label = sphere, 2m points from a seed. */
function spheres(m: number, seed: number): { X: number[][]; labels: number[] } {
  const rng = new Rng(seed).fork('spheres');
  const X: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < 2 * m; i++) {
    const v = Array.from({ length: SPHERE_D }, () => rng.gaussian());
    const r = (i % 2 === 0 ? 1 : 1.1) / norm(v);
    X.push(v.map((c) => c * r));
    labels.push(i % 2);
  }
  return { X, labels };
}

const SPHERE_D = 10;
const SPHERE_GAMMA = 0.5;

/** 2‖f_n‖_H·√(tr K)/n for the minimum-norm interpolant of the first n points (tr K = n for a Gaussian kernel). */
function normTerm(X: number[][], labels: number[], n: number): number {
  const f = kernelInterpolate(X.slice(0, n), labels.slice(0, n), { kernel: { kind: 'gaussian', gamma: SPHERE_GAMMA } });
  return (2 * f.rkhsNorm * Math.sqrt(n)) / n;
}

/** The Nagarajan–Kolter phenomenon at small scale: the norm-based term grows with n. */
export const normBoundDecreases = conjecture({
  name: 'norm-bound-decreases-with-n',
  statement: `on two concentric spheres in ℝ^${SPHERE_D} (radii 1 and 1.1, label = sphere), the norm-based complexity term 2‖f_n‖_H·√(tr K)/n of the RKHS ball that holds the minimum-norm Gaussian-kernel interpolant f_n (γ = ${SPHERE_GAMMA}) decreases when the sample doubles from m to 2m points`,
  source: 'the usual reading of norm-based bounds (Bartlett & Mendelson 2002, Lemma 22); refuted in spirit by Nagarajan & Kolter 2019 (NeurIPS, §3: on two hyperspheres such bounds grow with n while the test error falls)',
  expected: 'refuted',
  numRuns: 50,
  arbitrary: fc.record({ m: fc.constantFrom(8, 16, 32), seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }) }),
  predicate: ({ m, seed }) => {
    const { X, labels } = spheres(m, seed);
    return normTerm(X, labels, 2 * m) <= normTerm(X, labels, m);
  },
  score: ({ m, seed }) => {
    const { X, labels } = spheres(m, seed);
    return normTerm(X, labels, 2 * m) - normTerm(X, labels, m);
  },
  show: ({ m, seed }) => {
    const { X, labels } = spheres(m, seed);
    return `points: ${2 * m} from seed ${seed} (Gaussian directions, alternating radii 1 and 1.1)\n${table(
      ['n', '2‖f_n‖·√n/n'],
      [m, 2 * m].map((n) => [String(n), formatScalar(normTerm(X, labels, n))]),
    )}`;
  },
});
