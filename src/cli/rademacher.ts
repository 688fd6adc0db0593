import { InputError } from '../errors.js';
import { rowOf, type Matrix } from '../data/matrix.js';
import { loadDataset } from '../data/dataset.js';
import { CLASS_IDS, CLASS_OPTIONS, CLASS_OPTION_IDS, classOptions, classSpec, classesTaking, type ClassOption } from '../rademacher/classes.js';
import { estimateRademacherAsync, exhaustiveRademacher, MAX_EXACT_N, type Convention, type ExhaustiveValue, type RademacherEstimate } from '../rademacher/estimate.js';
import { lazyPool } from '../rademacher/parallel.js';
import { Rng, freshSeed } from '../random/rng.js';
import { compareClassesAsync } from '../rademacher/compare.js';
import { onlyWith, type Flags } from './args.js';
import type { rademacherFlags } from './commands.js';
import { finiteReport, formatNumber, formatTable, type Output } from './output.js';

const fmt5 = (v: number): string => formatNumber(v, 5);

type RademacherFlags = Flags<typeof rademacherFlags>;
const OVERFLOW = 'the computation overflowed float64: rescale the data (e.g. divide every feature by its largest absolute value)';

/** Why a class option given with a class (or --compare) that does not take it is refused: the takers come from the registry. */
function optionRefusal(option: ClassOption, name: string | undefined, compare: boolean): string {
  const takers = classesTaking(option).join(', ');
  const also = option === 'gamma' ? ' and --compare' : '';
  const not = compare ? ' (--compare chooses its own)' : name !== undefined ? `, not ${name}` : '';
  return `--${option} is the ${CLASS_OPTIONS[option].what}: it applies to --class ${takers}${also}${not}`;
}

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
  const spec = name !== undefined ? classSpec(name) : undefined;
  for (const option of CLASS_OPTION_IDS) {
    const applies = compare ? option === 'gamma' : spec !== undefined && spec.options.includes(option);
    onlyWith(flags[option] !== undefined, applies, optionRefusal(option, name, compare));
  }
  out.info(`seed: ${seed}`);
  if (compare) return runCompare(flags, seed, delta, out, t0);
  if (name === undefined || spec === undefined) throw new InputError(`--class is required; classes: ${CLASS_IDS.join(', ')} (or --compare)`);
  const convention: Convention = flags.convention ?? 'zhang';
  const n = flags.n;
  if (exact && typeof n === 'number' && n > MAX_EXACT_N) {
    throw new InputError(`--exact enumerates 2^n sign vectors and is limited to n ≤ ${MAX_EXACT_N} (got --n ${n}); use --draws m for a Monte Carlo estimate with a confidence half-width`);
  }
  if (exact && flags.n === 'all') throw new InputError(`--exact enumerates 2^n sign vectors: give --n ≤ ${MAX_EXACT_N}, not all`);
  const sample = spec.oneDimensional === true ? linePoints(flags.data, exact ? (n ?? 10) : n, seed, flags.d) : vectorSource(flags.data, exact ? (n ?? 10) : n, seed, flags.d);
  if (spec.maxN !== undefined && sample.X.rows > spec.maxN.n) {
    throw new InputError(`--class ${name} takes at most ${spec.maxN.n} points (${spec.maxN.why}); n = ${sample.X.rows}: use --n ${spec.maxN.n} or fewer`);
  }
  const options = classOptions({ ...Object.fromEntries(CLASS_OPTION_IDS.map((option) => [option, flags[option]])), seed });
  const { oracle, bounds } = spec.build(sample.X, options);
  const description = spec.describe?.(sample.X, options) ?? sample.description;
  out.info(`sample: ${description}`);
  let result: Record<string, unknown>;
  if (exact) result = resultFields({ exhaustive: exhaustiveRademacher(oracle, convention) });
  else {
    const draws = flags.draws ?? spec.defaultDraws?.draws ?? 1000;
    // Large batches of the linear classes go to a worker pool (opened only then), closed here.
    const pool = lazyPool();
    result = resultFields({ estimate: await estimateRademacherAsync(oracle, { draws, delta, seed, convention, pool }).finally(() => pool.close()) });
  }
  const report: Record<string, unknown> = { class: name, n: oracle.n, ...result };
  Object.assign(report, { bounds: convention === 'zhang' ? bounds : {}, convention, delta: exact ? null : delta, seed, sample: description, wallMs: Math.round(performance.now() - t0) });
  finiteReport(report, OVERFLOW);
  if (flags.json === true) out.json(report);
  else {
    const rows: [string, string][] = [
      ['class', `${name} (${oracle.name})`],
      ['sample', description],
      ['n', String(report.n)],
      ['convention', convention === 'zhang' ? "Eq. 1: E sup (1/n)Σσh" : 'Bartlett–Mendelson: E sup |(2/n)Σσh|'],
      ...resultRows(result, delta, exact),
    ];
    for (const [k, v] of Object.entries(report.bounds as Record<string, number>)) rows.push([`bound: ${k}`, fmt5(v)]);
    rows.push(['seed', String(seed)]);
    out.table(formatTable(rows));
  }
  return 0;
}

/** What a lower-bound result says about itself, in the JSON and the table. */
const LOWER_NOTE = 'one-sided: the class\'s sup is only found from below, so R̂ lies above lowerBound and nothing bounds it from above here';

/**
 * The result fields of `rethink rademacher --class` (JSON): the value with its confidence limits —
 * two-sided for a class whose oracle gives the sup; one-sided, a lower bound with `upperBound: null`
 * and a note saying so, for a class whose sup is found from below (`supKind: 'lower'`).
 *
 * @param r - a Monte Carlo estimate, or the value over all 2^n sign vectors
 * @example
 * resultFields({ estimate: estimateRademacher(thresholds(x)) }); // { estimate, halfWidth, exact: null, draws, supKind: 'exact', lowerBound, upperBound }
 */
export function resultFields(r: { estimate: RademacherEstimate } | { exhaustive: ExhaustiveValue }): Record<string, unknown> {
  if ('estimate' in r) {
    const e = r.estimate;
    const fields = { estimate: e.estimate, halfWidth: e.halfWidth, exact: null, draws: e.draws, supKind: e.supKind, lowerBound: e.lower, upperBound: e.upper };
    return e.supKind === 'lower' ? { ...fields, note: LOWER_NOTE } : fields;
  }
  const v = r.exhaustive;
  if (v.supKind === 'lower') return { estimate: v.value, halfWidth: 0, exact: null, draws: 2 ** v.n, supKind: v.supKind, lowerBound: v.value, upperBound: null, note: LOWER_NOTE };
  return { estimate: v.value, halfWidth: 0, exact: v.exact ? v.exact.toFraction() : null, draws: 2 ** v.n, supKind: v.supKind, lowerBound: v.value, upperBound: v.value };
}

/**
 * The table rows of {@link resultFields}: the value, and its half-width (±) or, for a lower bound,
 * the one-sided limit R̂ ≥ … and the note.
 *
 * @param fields - from {@link resultFields}
 * @param delta - the confidence level's δ, for the labels
 * @param enumerated - whether the value came from all 2^n sign vectors (--exact)
 * @example
 * resultRows(resultFields({ estimate: e }), 0.05, false); // [['estimate (1000 draws)', '0.31'], ['half-width (δ = 0.05)', '± 0.06']]
 */
export function resultRows(fields: Record<string, unknown>, delta: number, enumerated: boolean): [string, string][] {
  const lower = fields.supKind === 'lower';
  const rows: [string, string][] = [
    [`${enumerated ? 'value (all 2^n σ)' : `estimate (${String(fields.draws)} draws)`}${lower ? ', found from below' : ''}`, fmt5(fields.estimate as number)],
  ];
  if (fields.exact !== null) rows.push(['exact', String(fields.exact)]);
  if (lower) {
    rows.push([enumerated ? 'lower bound on R̂' : `lower bound on R̂ (one-sided, δ = ${delta})`, `R̂ ≥ ${fmt5(fields.lowerBound as number)}`]);
    rows.push(['note', String(fields.note)]);
  } else if (!enumerated) rows.push([`half-width (δ = ${delta})`, `± ${fmt5(fields.halfWidth as number)}`]);
  return rows;
}

/** The sample: n given, `all` (the whole data set), or the default (1000 of MNIST or synthetic data; a file's every row), pixels / 255. */
function vectorSource(dataName: string | undefined, n: number | 'all' | undefined, seed: number, d: number | undefined): { X: Matrix; description: string; fingerprint: string } {
  const data = dataName ?? 'mnist';
  const count = n === 'all' ? null : (n ?? (data === 'mnist' || data === 'synthetic' ? 1000 : null));
  const ds = loadDataset({ source: data, n: count, ...(d !== undefined ? { d } : {}), seed, test: false });
  // pixels / 255 so that ‖x‖ ≤ 28 and the kernel width γ = 0.02 is the usual one
  return { X: ds.matrix('train', { unit: true }), description: ds.description.replace('pixels 0–255', 'pixels/255'), fingerprint: ds.fingerprint };
}

/** The sample of a class on the line, as one column (n, 1): seeded uniform points, MNIST's mean intensity, or a file's first column. */
function linePoints(dataName: string | undefined, n: number | 'all' | undefined, seed: number, d: number | undefined): { X: Matrix; description: string } {
  const column = (x: Float64Array): Matrix => ({ rows: x.length, cols: 1, data: x });
  if (dataName === undefined || dataName === 'synthetic') {
    if (d !== undefined) throw new InputError('--d does not apply to the 1-D classes');
    const count = typeof n === 'number' ? n : 1000;
    const rng = new Rng(seed).fork('line');
    return { X: column(Float64Array.from({ length: count }, () => rng.uniform())), description: `${count} seeded uniform points on [0, 1]` };
  }
  const { X, description } = vectorSource(dataName, n, seed, d);
  const x = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    const r = rowOf(X, i);
    x[i] = dataName === 'mnist' ? r.reduce((s, v) => s + v, 0) / r.length : (r[0] as number);
  }
  return { X: column(x), description: `${description}, ${dataName === 'mnist' ? 'mean intensity' : 'first column'} as the 1-D feature` };
}

/** `rethink rademacher --compare`: {@link compareClassesAsync} on the sample, as a table. */
async function runCompare(flags: RademacherFlags, seed: number, delta: number, out: Output, t0: number): Promise<number> {
  const { X, description } = vectorSource(flags.data ?? 'mnist', flags.n, seed, flags.d);
  const limit = classSpec('rkhs-gaussian').maxN;
  if (limit !== undefined && X.rows > limit.n) {
    throw new InputError(`--compare estimates a Gaussian-kernel ball and takes at most ${limit.n} points (${limit.why}); n = ${X.rows}: use --n ${limit.n} or fewer`);
  }
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
