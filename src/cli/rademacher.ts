import { InputError } from '../errors.js';
import { rowOf, type Matrix } from '../data/matrix.js';
import { loadDataset } from '../data/dataset.js';
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
import { estimateRademacherAsync, exhaustiveRademacher, MAX_EXACT_N, type Convention } from '../rademacher/estimate.js';
import { lazyPool } from '../rademacher/parallel.js';
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
import { CLASS_NAMES, type ClassName } from '../rademacher/names.js';
import { Rng, freshSeed } from '../random/rng.js';
import { compareClassesAsync } from '../rademacher/compare.js';
import { onlyWith, type Flags } from './args.js';
import type { rademacherFlags } from './commands.js';
import { finiteReport, formatNumber, formatTable, type Output } from './output.js';

const fmt5 = (v: number): string => formatNumber(v, 5);

type RademacherFlags = Flags<typeof rademacherFlags>;
const ONE_D: readonly ClassName[] = ['thresholds', 'two-sided-thresholds', 'intervals'];
const OVERFLOW = 'the computation overflowed float64: rescale the data (e.g. divide every feature by its largest absolute value)';

/** `rethink rademacher`. */
export async function runRademacher(flags: RademacherFlags, out: Output): Promise<number> {
  const t0 = performance.now();
  const seed = flags.seed ?? freshSeed();
  const delta = flags.delta ?? 0.05;
  const name = flags.class;
  const compare = flags.compare === true;
  const exact = flags.exact === true;
  // Flags that would be silently ignored are refused.
  onlyWith(name !== undefined, !compare, '--compare runs its own three classes; drop --class (or drop --compare)');
  onlyWith(exact, !compare, '--compare estimates by Monte Carlo; drop --exact');
  onlyWith(flags.convention !== undefined, !compare, '--compare uses the paper\'s convention (Eq. 1); drop --convention');
  onlyWith(flags.draws !== undefined, !exact, '--exact enumerates all 2^n sign vectors; drop --draws');
  onlyWith(flags.delta !== undefined, !exact, '--exact has no confidence level (nothing is estimated); drop --delta');
  onlyWith(flags.gamma !== undefined, compare || name === 'rkhs-gaussian', `--gamma is the Gaussian kernel's width: it applies to --class rkhs-gaussian and --compare${name !== undefined ? `, not ${name}` : ''}`);
  onlyWith(flags.degree !== undefined, name === 'rkhs-polynomial', `--degree applies to --class rkhs-polynomial${name !== undefined ? `, not ${name}` : ''}`);
  onlyWith(flags.hypotheses !== undefined, name === 'finite', `--hypotheses applies to --class finite${name !== undefined ? `, not ${name}` : ''}`);
  onlyWith(flags.B !== undefined, name === 'linear-l2' || name === 'linear-l1' || name === 'rkhs-gaussian' || name === 'rkhs-polynomial', `--B bounds the norm of the linear and RKHS classes${name !== undefined ? `, not ${name}` : ''}${compare ? ' (--compare chooses its own)' : ''}`);
  out.info(`seed: ${seed}`);
  if (compare) return runCompare(flags, seed, delta, out, t0);
  if (name === undefined) throw new InputError(`--class is required; classes: ${CLASS_NAMES.join(', ')} (or --compare)`);
  const convention: Convention = flags.convention ?? 'zhang';
  const n = flags.n;
  if (exact && typeof n === 'number' && n > MAX_EXACT_N) {
    throw new InputError(`--exact enumerates 2^n sign vectors and is limited to n ≤ ${MAX_EXACT_N} (got --n ${n}); use --draws m for a Monte Carlo estimate with a confidence half-width`);
  }
  if (exact && flags.n === 'all') throw new InputError(`--exact enumerates 2^n sign vectors: give --n ≤ ${MAX_EXACT_N}, not all`);
  const { oracle, bounds, description } = buildClass(name, flags, seed, exact ? (n ?? 10) : n);
  out.info(`sample: ${description}`);
  let report: Record<string, unknown>;
  if (exact) {
    const v = exhaustiveRademacher(oracle, convention);
    report = { class: name, n: oracle.n, estimate: v.value, halfWidth: 0, exact: v.exact ? v.exact.toFraction() : null, draws: 2 ** oracle.n };
  } else {
    const draws = flags.draws ?? (name === 'relu-2layer' ? 20 : 1000);
    // Large batches of the linear classes go to a worker pool (opened only then), closed here.
    const pool = lazyPool();
    const e = await estimateRademacherAsync(oracle, { draws, delta, seed, convention, pool }).finally(() => pool.close());
    report = { class: name, n: oracle.n, estimate: e.estimate, halfWidth: e.halfWidth, exact: null, draws };
  }
  Object.assign(report, { bounds: convention === 'zhang' ? bounds : {}, convention, delta: exact ? null : delta, seed, sample: description, wallMs: Math.round(performance.now() - t0) });
  finiteReport(report, OVERFLOW);
  if (flags.json === true) out.json(report);
  else {
    const rows: [string, string][] = [
      ['class', `${name} (${oracle.name})`],
      ['sample', description],
      ['n', String(report.n)],
      ['convention', convention === 'zhang' ? "Eq. 1: E sup (1/n)Σσh" : 'Bartlett–Mendelson: E sup |(2/n)Σσh|'],
      [exact ? 'value (all 2^n σ)' : `estimate (${report.draws} draws)`, fmt5(report.estimate as number)],
    ];
    if (report.exact !== null) rows.push(['exact', String(report.exact)]);
    if (!exact) rows.push([`half-width (δ = ${delta})`, `± ${fmt5(report.halfWidth as number)}`]);
    for (const [k, v] of Object.entries(report.bounds as Record<string, number>)) rows.push([`bound: ${k}`, fmt5(v)]);
    rows.push(['seed', String(seed)]);
    out.table(formatTable(rows));
  }
  return 0;
}

function buildClass(
  name: ClassName,
  flags: RademacherFlags,
  seed: number,
  n: number | 'all' | undefined,
): { oracle: SupOracle; bounds: Record<string, number>; description: string } {
  const B = flags.B ?? 1;
  const dataName = flags.data;
  if (ONE_D.includes(name)) {
    const { x, description } = linePoints(dataName, n, seed, flags.d);
    const oracle = name === 'thresholds' ? thresholds(x) : name === 'intervals' ? intervals(x) : twoSidedThresholds(x);
    const vc = name === 'thresholds' ? 1 : 2;
    return { oracle, bounds: { [`VC/Sauer–Shelah (VC = ${vc})`]: vcRademacherBound(x.length, vc), range: 1 }, description };
  }
  const source = vectorSource(dataName, n, seed, flags.d);
  const X = source.X;
  switch (name) {
    case 'finite': {
      const N = flags.hypotheses ?? 100;
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
      const K = name === 'rkhs-gaussian' ? gaussianGram(X, flags.gamma ?? 0.02) : polynomialGram(X, flags.degree ?? 2);
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

/** The sample: n given, `all` (the whole data set), or the default (1000 of MNIST or synthetic data; a file's every row), pixels / 255. */
function vectorSource(dataName: string | undefined, n: number | 'all' | undefined, seed: number, d: number | undefined): { X: Matrix; description: string; fingerprint: string } {
  const data = dataName ?? 'mnist';
  const count = n === 'all' ? null : (n ?? (data === 'mnist' || data === 'synthetic' ? 1000 : null));
  const ds = loadDataset({ source: data, n: count, ...(d !== undefined ? { d } : {}), seed, test: false });
  // pixels / 255 so that ‖x‖ ≤ 28 and the kernel width γ = 0.02 is the usual one
  return { X: ds.matrix('train', { unit: true }), description: ds.description.replace('pixels 0–255', 'pixels/255'), fingerprint: ds.fingerprint };
}

function linePoints(dataName: string | undefined, n: number | 'all' | undefined, seed: number, d: number | undefined): { x: Float64Array; description: string } {
  if (dataName === undefined || dataName === 'synthetic') {
    if (d !== undefined) throw new InputError('--d does not apply to the 1-D classes');
    const count = typeof n === 'number' ? n : 1000;
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

/** `rethink rademacher --compare`: {@link compareClassesAsync} on the sample, as a table. */
async function runCompare(flags: RademacherFlags, seed: number, delta: number, out: Output, t0: number): Promise<number> {
  const { X, description } = vectorSource(flags.data ?? 'mnist', flags.n, seed, flags.d);
  checkGram(X.rows);
  out.info(`sample: ${description}`);
  const pool = lazyPool();
  const rows = await compareClassesAsync(X, { seed, delta, pool, ...(flags.draws !== undefined ? { draws: flags.draws } : {}), ...(flags.gamma !== undefined ? { gamma: flags.gamma } : {}) }).finally(() => pool.close());
  finiteReport({ rows }, OVERFLOW);
  if (flags.json === true) {
    out.json({ compare: rows, delta, seed, sample: description, loss: 'ramp loss min(1, max(0, 1 − y·h)), 1-Lipschitz, values in [0, 1]', wallMs: Math.round(performance.now() - t0) });
    return 0;
  }
  const table = [
    ['class', 'R̂ estimate', `± (δ = ${delta})`, 'gap (Mohri 3.3)', 'gap (SSBD 26.5)', 'verdict'],
    ...rows.map((r) => [r.class, fmt5(r.estimate), fmt5(r.halfWidth), fmt5(r.mohriGap), fmt5(r.ssbdGap), r.vacuous ? 'VACUOUS for any training error' : `says something while training loss < ${fmt5(1 - r.mohriGap)}`]),
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
