import { InputError } from '../errors.js';
import { rowOf, scaleMatrix, type Matrix } from '../data/matrix.js';
import { loadSource } from '../data/source.js';
import {
  kernelBallBounds,
  l1Bound,
  linearMaxNormBound,
  linearTrace,
  massartBound,
  mohriBound,
  ssbdBound,
  vcRademacherBound,
} from '../rademacher/bounds.js';
import { estimateRademacher, exhaustiveRademacher, MAX_EXACT_N, type Convention } from '../rademacher/estimate.js';
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
  type SupOracle,
} from '../rademacher/oracles.js';
import { Rng, freshSeed } from '../random/rng.js';
import { commonFlags, parseFlags, type FlagSpecs } from './args.js';
import { formatTable, type Output } from './output.js';

export const CLASS_NAMES = [
  'finite',
  'linear-l2',
  'linear-l1',
  'rkhs-gaussian',
  'rkhs-polynomial',
  'thresholds',
  'two-sided-thresholds',
  'intervals',
  'all-functions',
  'relu-2layer',
] as const;
type ClassName = (typeof CLASS_NAMES)[number];
const ONE_D: readonly ClassName[] = ['thresholds', 'two-sided-thresholds', 'intervals'];

export const rademacherFlags: FlagSpecs = {
  class: { type: 'string', choices: CLASS_NAMES, placeholder: 'name', description: `hypothesis class: ${CLASS_NAMES.join(', ')}` },
  data: {
    type: 'string',
    placeholder: 'mnist|synthetic|file.csv',
    description: 'sample (default mnist, pixels/255; 1-D classes: synthetic uniform points on [0, 1], MNIST mean intensity, or a CSV\'s first column)',
  },
  n: { type: 'integer', placeholder: 'N', description: 'sample size (default 1000; a file: all rows)' },
  d: { type: 'integer', placeholder: 'D', description: 'features of synthetic vector data (default 20)' },
  exact: { type: 'boolean', description: `enumerate all 2^n sign vectors (n ≤ ${MAX_EXACT_N}); exact fractions for integer-valued classes` },
  draws: { type: 'integer', placeholder: 'm', description: 'Monte Carlo sign vectors (default 1000; relu-2layer 20, each builds and certifies a network)' },
  delta: { type: 'number', placeholder: 'δ', description: 'confidence: half-widths and bounds hold with probability ≥ 1 − δ (default 0.05)' },
  B: { type: 'number', placeholder: 'B', description: 'norm bound of the linear and RKHS classes (default 1)' },
  gamma: { type: 'number', placeholder: 'γ', description: 'Gaussian kernel width exp(−γ‖x − x′‖²) (default 0.02)' },
  degree: { type: 'integer', placeholder: 'p', description: 'polynomial kernel degree (⟨x, x′⟩ + 1)^p (default 2)' },
  hypotheses: { type: 'integer', placeholder: 'N', description: 'finite class: number of seeded random ±1 hypotheses (default 100)' },
  convention: { type: 'string', choices: ['zhang', 'bartlett-mendelson'], placeholder: 'zhang|bartlett-mendelson', description: 'the paper\'s Eq. 1 (default) or E sup |(2/n)Σσh|' },
  compare: { type: 'boolean', description: 'the paper\'s point in one table: norm-bounded linear, a kernel ball and Theorem 1\'s ReLU class on MNIST, with their bounds' },
  ...commonFlags,
};

/** `rethink rademacher`. */
export async function runRademacher(argv: readonly string[], out: Output): Promise<number> {
  const flags = parseFlags(argv, rademacherFlags, 'rademacher');
  const seed = (flags.seed as number | undefined) ?? freshSeed();
  out.info(`seed: ${seed}`);
  const delta = (flags.delta as number | undefined) ?? 0.05;
  if (!(delta > 0 && delta < 1)) throw new InputError(`--delta ${delta}: δ must lie strictly between 0 and 1`);
  for (const key of ['B', 'gamma'] as const) {
    const v = flags[key] as number | undefined;
    if (v !== undefined && !(v > 0)) throw new InputError(`--${key} ${v}: must be positive`);
  }
  if (flags.draws !== undefined && (flags.draws as number) < 1) throw new InputError(`--draws ${flags.draws}: need at least one draw`);
  if (flags.compare === true) return runCompare(flags, seed, delta, out);
  const name = flags.class as ClassName | undefined;
  if (name === undefined) throw new InputError(`--class is required; classes: ${CLASS_NAMES.join(', ')}`);
  const convention = ((flags.convention as string | undefined) ?? 'zhang') as Convention;
  const exact = flags.exact === true;
  const n = flags.n as number | undefined;
  if (exact && n !== undefined && n > MAX_EXACT_N) {
    throw new InputError(`--exact enumerates 2^n sign vectors and is limited to n ≤ ${MAX_EXACT_N} (got --n ${n}); use --draws m for a Monte Carlo estimate with a confidence half-width`);
  }
  const { oracle, bounds, description } = buildClass(name, flags, seed, exact ? (n ?? 10) : n);
  out.info(`sample: ${description}`);
  let report: Record<string, unknown>;
  if (exact) {
    const v = exhaustiveRademacher(oracle, convention);
    report = { class: name, n: oracle.n, estimate: v.value, halfWidth: 0, exact: v.exact ? v.exact.toFraction() : null, draws: 2 ** oracle.n };
  } else {
    const draws = (flags.draws as number | undefined) ?? (name === 'relu-2layer' ? 20 : 1000);
    const e = estimateRademacher(oracle, { draws, delta, seed, convention });
    report = { class: name, n: oracle.n, estimate: e.estimate, halfWidth: e.halfWidth, exact: null, draws };
  }
  Object.assign(report, { bounds: convention === 'zhang' ? bounds : {}, convention, delta, seed, sample: description });
  if (flags.json === true) out.json(report);
  else {
    const rows: [string, string][] = [
      ['class', `${name} (${oracle.name})`],
      ['sample', description],
      ['n', String(report.n)],
      ['convention', convention === 'zhang' ? "Eq. 1: E sup (1/n)Σσh" : 'Bartlett–Mendelson: E sup |(2/n)Σσh|'],
      [exact ? 'value (all 2^n σ)' : `estimate (${report.draws} draws)`, fmt(report.estimate as number)],
    ];
    if (report.exact !== null) rows.push(['exact', String(report.exact)]);
    if (!exact) rows.push([`half-width (δ = ${delta})`, `± ${fmt(report.halfWidth as number)}`]);
    for (const [k, v] of Object.entries(report.bounds as Record<string, number>)) rows.push([`bound: ${k}`, fmt(v)]);
    rows.push(['seed', String(seed)]);
    out.table(formatTable(rows));
  }
  return 0;
}

function buildClass(
  name: ClassName,
  flags: Record<string, unknown>,
  seed: number,
  n: number | undefined,
): { oracle: SupOracle; bounds: Record<string, number>; description: string } {
  const B = (flags.B as number | undefined) ?? 1;
  const dataName = flags.data as string | undefined;
  if (ONE_D.includes(name)) {
    const { x, description } = linePoints(dataName, n, seed, flags.d as number | undefined);
    const oracle = name === 'thresholds' ? thresholds(x) : name === 'intervals' ? intervals(x) : twoSidedThresholds(x);
    const vc = name === 'thresholds' ? 1 : 2;
    return { oracle, bounds: { [`VC/Sauer–Shelah (VC = ${vc})`]: vcRademacherBound(x.length, vc), range: 1 }, description };
  }
  const source = vectorSource(dataName, n, seed, flags.d as number | undefined);
  const X = source.X;
  switch (name) {
    case 'finite': {
      const N = (flags.hypotheses as number | undefined) ?? 100;
      if (!(N >= 1)) throw new InputError(`--hypotheses ${N}: need at least one hypothesis`);
      const rng = new Rng(seed).fork('hypotheses');
      const P = Array.from({ length: N }, () => Array.from({ length: X.rows }, () => rng.sign()));
      return { oracle: finiteClass(P), bounds: { Massart: massartBound(P), range: 1 }, description: `${N} seeded random ±1 hypotheses on ${X.rows} points` };
    }
    case 'linear-l2': {
      const { upper, lower } = kernelBallBounds(linearTrace(X), X.rows, B);
      return { oracle: linearL2(X, B), bounds: { 'trace (B/n)√tr K': upper, 'B·max‖x‖/√n': linearMaxNormBound(X, B), 'lower (B/n)√(tr K/2)': lower }, description: source.description };
    }
    case 'linear-l1':
      return { oracle: linearL1(X, B), bounds: { 'B·max‖x‖∞·√(2 ln 2d / n)': l1Bound(X, B) }, description: source.description };
    case 'rkhs-gaussian':
    case 'rkhs-polynomial': {
      checkGram(X.rows);
      const K = name === 'rkhs-gaussian' ? gaussianGram(X, (flags.gamma as number | undefined) ?? 0.02) : polynomialGram(X, (flags.degree as number | undefined) ?? 2);
      let trace = 0;
      for (let i = 0; i < K.rows; i++) trace += K.data[i * K.rows + i] as number;
      const { upper, lower } = kernelBallBounds(trace, K.rows, B);
      return { oracle: rkhsBall(K, B, name), bounds: { 'trace (B/n)√tr K': upper, 'lower (B/n)√(tr K/2)': lower }, description: source.description };
    }
    case 'all-functions':
      return { oracle: allFunctions(pointIds(X)), bounds: { range: 1 }, description: source.description };
    case 'relu-2layer':
      return { oracle: relu2Layer(X, seed), bounds: { range: 1 }, description: source.description };
    default:
      throw new InputError(`unknown class '${name as string}'; classes: ${CLASS_NAMES.join(', ')}`);
  }
}

/** Gram matrices above this size are refused (n² float64 entries). */
const MAX_GRAM_N = 4000;
function checkGram(n: number): void {
  if (n > MAX_GRAM_N) {
    throw new InputError(`the kernel classes build an n×n Gram matrix; n = ${n} exceeds ${MAX_GRAM_N} (${((MAX_GRAM_N ** 2 * 8) / 2 ** 20).toFixed(0)} MiB); use --n ${MAX_GRAM_N} or fewer`);
  }
}

function vectorSource(dataName: string | undefined, n: number | undefined, seed: number, d: number | undefined): { X: Matrix; description: string } {
  const data = dataName ?? 'mnist';
  const count = n ?? (data === 'mnist' || data === 'synthetic' ? 1000 : undefined);
  const source = loadSource(data, { ...(count !== undefined ? { n: count } : {}), ...(d !== undefined ? { d } : {}), seed });
  if (data !== 'mnist') return { X: source.X, description: source.description };
  // pixels / 255 so that ‖x‖ ≤ 28 and the kernel width γ = 0.02 is the usual one
  const X = scaleMatrix(source.X, 1 / 255);
  return { X, description: source.description.replace('pixels 0-255', 'pixels/255') };
}

function linePoints(dataName: string | undefined, n: number | undefined, seed: number, d: number | undefined): { x: Float64Array; description: string } {
  if (dataName === undefined || dataName === 'synthetic') {
    if (d !== undefined) throw new InputError('--d does not apply to the 1-D classes');
    const count = n ?? 1000;
    if (!Number.isInteger(count) || count < 1) throw new InputError(`--n ${count}: need at least one point`);
    const rng = new Rng(seed).fork('line');
    return { x: Float64Array.from({ length: count }, () => rng.uniform()), description: `${count} seeded uniform points on [0, 1]` };
  }
  const { X, description } = vectorSource(dataName, n, seed, d);
  const x = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    const r = rowOf(X, i);
    x[i] = dataName === 'mnist' ? r.reduce((s, v) => s + v, 0) / r.length : (r[0] as number);
  }
  return { x, description: `${description}, ${dataName === 'mnist' ? 'mean intensity' : 'first column'} as the 1-D feature` };
}

function pointIds(X: Matrix): Float64Array {
  const ids = new Map<string, number>();
  return Float64Array.from({ length: X.rows }, (_, i) => {
    const key = Array.from(rowOf(X, i)).join(',');
    if (!ids.has(key)) ids.set(key, ids.size);
    return ids.get(key) as number;
  });
}

/**
 * `rethink rademacher --compare`: on MNIST, the norm-bounded linear class and a Gaussian-kernel ball
 * (both scaled so |h| ≤ 1) against Theorem 1's two-layer ReLU class (clipped to [−1, 1]), with the
 * generalization gap each gives for the 1-Lipschitz ramp loss (contraction: R̂(ℓ∘H) ≤ R̂(H)).
 */
function runCompare(flags: Record<string, unknown>, seed: number, delta: number, out: Output): number {
  const n = (flags.n as number | undefined) ?? 1000;
  checkGram(n);
  const { X, description } = vectorSource((flags.data as string | undefined) ?? 'mnist', n, seed, flags.d as number | undefined);
  out.info(`sample: ${description}`);
  let maxNorm = 0;
  for (let i = 0; i < X.rows; i++) maxNorm = Math.max(maxNorm, Math.sqrt(rowOf(X, i).reduce((s, v) => s + v * v, 0)));
  const draws = (flags.draws as number | undefined) ?? 200;
  const gamma = (flags.gamma as number | undefined) ?? 0.02;
  const classes: { name: string; oracle: SupOracle; draws: number }[] = [
    { name: `linear-l2, ‖w‖ ≤ 1/max‖x‖ (= ${(1 / maxNorm).toPrecision(3)})`, oracle: linearL2(X, 1 / maxNorm), draws },
    { name: `rkhs-gaussian γ = ${gamma}, ‖f‖ ≤ 1`, oracle: rkhsBall(gaussianGram(X, gamma), 1, 'Gaussian RKHS'), draws },
    { name: 'relu-2layer (Theorem 1, clipped)', oracle: relu2Layer(X, seed), draws: Math.min(draws, 10) },
  ];
  const rows = classes.map(({ name, oracle, draws: m }) => {
    const e = estimateRademacher(oracle, { draws: m, delta, seed });
    const upper = e.estimate + e.halfWidth;
    const mohri = mohriBound(0, upper, X.rows, delta);
    const ssbd = ssbdBound(0, upper, X.rows, delta);
    return { class: name, n: X.rows, estimate: e.estimate, halfWidth: e.halfWidth, draws: m, mohriGap: mohri.gap, ssbdGap: ssbd.gap, vacuous: mohri.vacuous && ssbd.vacuous };
  });
  if (flags.json === true) {
    out.json({ compare: rows, delta, seed, sample: description, loss: 'ramp loss min(1, max(0, 1 − y·h)), 1-Lipschitz, values in [0, 1]' });
    return 0;
  }
  const table = [
    ['class', 'R̂ estimate', `± (δ = ${delta})`, 'gap (Mohri 3.3)', 'gap (SSBD 26.5)', 'verdict'],
    ...rows.map((r) => [r.class, fmt(r.estimate), fmt(r.halfWidth), fmt(r.mohriGap), fmt(r.ssbdGap), r.vacuous ? 'VACUOUS for any training error' : `says something while training loss < ${fmt(1 - r.mohriGap)}`]),
  ];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  out.table(table.map((r) => r.map((v, c) => v.padEnd(widths[c]!)).join('  ')).join('\n'));
  out.table(
    `\nGap = bound − training loss for the ramp loss (R̂ taken at its upper confidence limit). Theorem 1's class fits every\n` +
      `sign vector (each draw builds and certifies a network), so R̂ = 1 and the gap exceeds the loss range: the bound is\n` +
      `vacuous exactly for the class that, like deep nets, fits random labels. seed ${seed}`,
  );
  return 0;
}

function fmt(v: number): string {
  if (v === 0 || (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6)) return String(Math.round(v * 1e5) / 1e5);
  return v.toExponential(3);
}
