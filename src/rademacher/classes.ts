/**
 * The hypothesis classes of `rethink rademacher --class` as a registry: one entry per class holds
 * everything the rest of `rethink` needs — its summary (the CLI's help), the class options it takes
 * (the CLI refuses the others), whether it lives on the line, whether its oracle gives the sup or
 * only a value found from below, how to build its oracle and bounds on a sample, and which law
 * properties it satisfies (proofs/rademacher/registry.proof.ts checks each of them). Adding a class
 * is adding an entry: the CLI's choices, its help, its refusals and the law properties follow.
 *
 * Light on purpose: the CLI's flag table imports it to list the classes, so it imports the oracles
 * and bounds (plain TypeScript) and no math library, worker pool or TensorFlow.js.
 */
import { InputError } from '../errors.js';
import { rowOf, type Matrix } from '../data/matrix.js';
import { Rng } from '../random/rng.js';
import { kernelBallBounds, l1Bound, linearMaxNormBound, linearTrace, massartBound, vcRademacherBound } from './bounds.js';
import {
  allFunctions,
  finiteClass,
  gaussianGram,
  intervals,
  linearL1,
  linearL2,
  polynomialGram,
  relu2Layer,
  rkhsBall,
  thresholds,
  twoSidedThresholds,
  type SupKind,
  type SupOracle,
} from './oracles.js';

/**
 * The options a class may take, each a CLI flag of the same name: what it is (for messages), its
 * help, and its default.
 */
export const CLASS_OPTIONS = {
  B: { what: 'norm bound', help: 'norm bound ‖w‖ ≤ B or ‖f‖ ≤ B', default: 1 },
  gamma: { what: 'Gaussian kernel\'s width', help: 'Gaussian kernel width γ in exp(−γ‖x − x′‖²)', default: 0.02 },
  degree: { what: 'polynomial kernel\'s degree', help: 'polynomial kernel degree p in (⟨x, x′⟩ + 1)^p', default: 2 },
  hypotheses: { what: 'number of random hypotheses', help: 'number of seeded random ±1 hypotheses', default: 100 },
} as const satisfies Record<string, { what: string; help: string; default: number }>;

export type ClassOption = keyof typeof CLASS_OPTIONS;

/** The options as `build` receives them: every one set (defaults filled in), and the run's seed. */
export type ClassOptions = { readonly [K in ClassOption]: number } & { readonly seed: number };

/**
 * The law properties a class can satisfy. Each is checked, for every class that claims it, on
 * random small samples by exact enumeration (proofs/rademacher/registry.proof.ts).
 */
export const LAWS = {
  range: 'range: |sup(σ)| ≤ n·c for every σ and 0 ≤ R̂ ≤ c, c = sup |h(x_i)| (Bartlett & Mendelson 2002)',
  bounds: 'the class\'s own bounds hold: each upper bound ≥ R̂ ≥ each lower bound (sources in bounds.ts)',
  symmetric: 'H = −H: sup(σ) = sup(−σ) for every σ, so the Bartlett–Mendelson value is exactly twice Eq. 1\'s',
  permutation: 'H is a class of functions of the points: permuting points and signs together leaves every sup unchanged',
  'radius-scaling': 'the ball of radius 2B is twice the ball of radius B: sup doubles at every σ (Bartlett & Mendelson 2002, Thm 12)',
  'exact-fraction': 'integer-valued sups: enumerating all 2^n σ gives an exact rational, equal to the float value',
} as const;

export type Law = keyof typeof LAWS;

/** What `build` returns: the oracle on the sample and the class's bounds on R̂ there (Eq. 1; names starting with `lower` are lower bounds). */
export interface BuiltClass {
  readonly oracle: SupOracle;
  readonly bounds: Readonly<Record<string, number>>;
}

/** A class of the registry. */
export interface ClassSpec {
  /** one line for the CLI's help */
  readonly summary: string;
  /** the options (CLI flags) it takes; the CLI refuses the others */
  readonly options: readonly ClassOption[];
  /** a class on the line: it reads the first column of a one-column sample (the CLI gives it points on [0, 1] or one feature) */
  readonly oneDimensional?: boolean;
  /** its oracle's values are the sups (`exact`), or found from below (`lower`: reported as a one-sided lower bound everywhere) */
  readonly supKind: SupKind;
  /** the points must be distinct */
  readonly distinctPoints?: boolean;
  /** the largest sample it is offered on, and why */
  readonly maxN?: { readonly n: number; readonly why: string };
  /** Monte Carlo draws by default when not 1000, and why */
  readonly defaultDraws?: { readonly draws: number; readonly why: string };
  /** the law properties it satisfies */
  readonly laws: readonly Law[];
  /** the oracle and bounds on the sample X (n, d) */
  build(X: Matrix, options: ClassOptions): BuiltClass;
  /** the sample as the class uses it, when it is more than the points (the finite class's hypotheses) */
  describe?(X: Matrix, options: ClassOptions): string;
}

/** Gram matrices above this many points are refused: n² float64 entries. */
const MAX_GRAM_N = 4000;
const gramLimit = { n: MAX_GRAM_N, why: `the kernel classes build an n×n Gram matrix, ${((MAX_GRAM_N ** 2 * 8) / 2 ** 20).toFixed(0)} MiB at n = ${MAX_GRAM_N}` };

/** The first (only) column of a one-column sample. */
function line(X: Matrix, id: string): Float64Array {
  if (X.cols !== 1) throw new InputError(`${id} is a class on the line: give one feature per point (got ${X.cols}); the CLI takes the mean intensity or a CSV's first column`);
  return X.data;
}

/** An id per point: equal rows get equal ids. */
function pointIds(X: Matrix): Float64Array {
  const ids = new Map<string, number>();
  return Float64Array.from({ length: X.rows }, (_, i) => {
    const key = Array.from(rowOf(X, i)).join(',');
    if (!ids.has(key)) ids.set(key, ids.size);
    return ids.get(key) as number;
  });
}

/** N seeded random ±1 hypotheses on n points, (N, n). */
function randomHypotheses(n: number, N: number, seed: number): number[][] {
  const rng = new Rng(seed).fork('hypotheses');
  return Array.from({ length: N }, () => Array.from({ length: n }, () => rng.sign()));
}

/** A class on the line with its VC dimension's bound (Sauer–Shelah and Massart). */
function lineClass(id: string, summary: string, vc: number, oracle: (x: Float64Array) => SupOracle, laws: readonly Law[]): ClassSpec {
  return {
    summary,
    options: [],
    oneDimensional: true,
    supKind: 'exact',
    laws,
    build(X) {
      const x = line(X, id);
      return { oracle: oracle(x), bounds: { [`VC/Sauer–Shelah (VC = ${vc})`]: vcRademacherBound(x.length, vc), range: 1 } };
    },
  };
}

/** The ball ‖f‖ ≤ B of a kernel, through its Gram matrix (n, n). */
function kernelClass(id: string, summary: string, option: 'gamma' | 'degree'): ClassSpec {
  return {
    summary,
    options: ['B', option],
    supKind: 'exact',
    maxN: gramLimit,
    laws: ['range', 'bounds', 'symmetric', 'permutation', 'radius-scaling'],
    build(X, o) {
      const K = option === 'gamma' ? gaussianGram(X, o.gamma) : polynomialGram(X, o.degree); // (n, n)
      let trace = 0;
      for (let i = 0; i < K.rows; i++) trace += K.data[i * K.rows + i] as number;
      const { upper, lower } = kernelBallBounds(trace, K.rows, o.B);
      return { oracle: rkhsBall(K, o.B, id), bounds: { 'trace (B/n)√tr K': upper, 'lower (B/n)√(tr K/2)': lower } };
    },
  };
}

/** The registry. */
export const CLASSES = {
  finite: {
    summary: 'seeded random ±1 hypotheses on the sample, as many as --hypotheses (Massart\'s lemma)',
    options: ['hypotheses'],
    supKind: 'exact',
    laws: ['range', 'bounds', 'exact-fraction'],
    build(X, o) {
      const P = randomHypotheses(X.rows, o.hypotheses, o.seed); // (N, n)
      return { oracle: finiteClass(P), bounds: { Massart: massartBound(P), range: 1 } };
    },
    describe: (X, o) => `${o.hypotheses} seeded random ±1 hypotheses on ${X.rows} points`,
  },
  'linear-l2': {
    summary: 'linear functions ⟨w, x⟩ with ‖w‖₂ ≤ B',
    options: ['B'],
    supKind: 'exact',
    laws: ['range', 'bounds', 'symmetric', 'permutation', 'radius-scaling'],
    build(X, o) {
      const { upper, lower } = kernelBallBounds(linearTrace(X), X.rows, o.B);
      return { oracle: linearL2(X, o.B), bounds: { 'trace (B/n)√tr K': upper, 'B·max‖x‖/√n': linearMaxNormBound(X, o.B), 'lower (B/n)√(tr K/2)': lower } };
    },
  },
  'linear-l1': {
    summary: 'linear functions ⟨w, x⟩ with ‖w‖₁ ≤ B',
    options: ['B'],
    supKind: 'exact',
    laws: ['range', 'bounds', 'symmetric', 'permutation', 'radius-scaling'],
    build: (X, o) => ({ oracle: linearL1(X, o.B), bounds: { 'B·max‖x‖∞·√(2 ln 2d / n)': l1Bound(X, o.B) } }),
  },
  'rkhs-gaussian': kernelClass('rkhs-gaussian', 'the ball ‖f‖ ≤ B of the Gaussian kernel exp(−γ‖x − x′‖²)', 'gamma'),
  'rkhs-polynomial': kernelClass('rkhs-polynomial', 'the ball ‖f‖ ≤ B of the polynomial kernel (⟨x, x′⟩ + 1)^p', 'degree'),
  thresholds: lineClass('thresholds', 'one-sided thresholds on the line: +1 where x ≥ t, −1 below', 1, thresholds, ['range', 'bounds', 'permutation', 'exact-fraction']),
  'two-sided-thresholds': lineClass('two-sided-thresholds', 'thresholds facing either way, ±(+1 where x ≥ t)', 2, twoSidedThresholds, [
    'range',
    'bounds',
    'symmetric',
    'permutation',
    'exact-fraction',
  ]),
  intervals: lineClass('intervals', '+1 on an interval [a, b], −1 elsewhere', 2, intervals, ['range', 'bounds', 'permutation', 'exact-fraction']),
  'all-functions': {
    summary: 'every function into [−1, 1] on the sample: R̂ = 1 on distinct points',
    options: [],
    supKind: 'exact',
    laws: ['range', 'bounds', 'symmetric', 'permutation', 'exact-fraction'],
    build: (X) => ({ oracle: allFunctions(pointIds(X)), bounds: { range: 1 } }),
  },
  'relu-2layer': {
    summary: 'two-layer ReLU networks of Theorem 1 clipped to [−1, 1]: each draw builds and certifies a network fitting σ, so its sup n is witnessed',
    options: [],
    supKind: 'exact',
    distinctPoints: true,
    defaultDraws: { draws: 20, why: 'each builds and certifies a network' },
    laws: ['range', 'bounds', 'symmetric', 'permutation', 'exact-fraction'],
    build: (X, o) => ({ oracle: relu2Layer(X, o.seed), bounds: { range: 1 } }),
  },
} as const satisfies Record<string, ClassSpec>;

export type ClassId = keyof typeof CLASSES;

/** Class ids, in the registry's order (the CLI's `--class` choices). */
export const CLASS_IDS = Object.keys(CLASSES) as ClassId[];

/** Every class option, in order (each a CLI flag). */
export const CLASS_OPTION_IDS = Object.keys(CLASS_OPTIONS) as ClassOption[];

/**
 * A class of the registry by its id, listing the valid ones when it is not one.
 *
 * @example
 * classSpec('thresholds').oneDimensional; // true
 */
export function classSpec(id: string): ClassSpec {
  if (!Object.hasOwn(CLASSES, id)) throw new InputError(`unknown class '${id}': valid classes are ${CLASS_IDS.join(', ')}`);
  return CLASSES[id as ClassId];
}

/**
 * The classes that take an option.
 *
 * @example
 * classesTaking('degree'); // ['rkhs-polynomial']
 */
export function classesTaking(option: ClassOption): ClassId[] {
  return CLASS_IDS.filter((id) => (CLASSES[id] as ClassSpec).options.includes(option));
}

/**
 * The options `build` receives: the given ones, the defaults of {@link CLASS_OPTIONS} for the rest.
 *
 * @example
 * classOptions({ B: 2, seed: 1 }); // { B: 2, gamma: 0.02, degree: 2, hypotheses: 100, seed: 1 }
 */
export function classOptions(given: Partial<Record<ClassOption, number | undefined>> & { seed: number }): ClassOptions {
  const out: Record<string, number> = { seed: given.seed };
  for (const k of CLASS_OPTION_IDS) out[k] = given[k] ?? CLASS_OPTIONS[k].default;
  return out as ClassOptions;
}
