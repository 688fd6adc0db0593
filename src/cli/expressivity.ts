import { writeFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { rowOf, type Matrix } from '../data/matrix.js';
import { loadSource } from '../data/source.js';
import { certify } from '../expressivity/certify.js';
import { deepen, fractionField, numberField } from '../expressivity/deep.js';
import { diagnose } from '../expressivity/diagnostics.js';
import type { DirectionStrategy } from '../expressivity/direction.js';
import { interpolateExact } from '../expressivity/exact.js';
import { DEFAULT_LAMBDA, interpolate, interpolateClasses, type InterpolatedNetwork } from '../expressivity/interpolate.js';
import { toFraction } from '../exact/fraction.js';
import { Rng, freshSeed } from '../random/rng.js';
import { randomLabels } from '../randomization/labels.js';
import { commonFlags, parseFlags, type FlagSpecs } from './args.js';
import { formatTable, type Output } from './output.js';

export const expressivityFlags: FlagSpecs = {
  data: { type: 'string', placeholder: 'mnist|synthetic|file.csv', description: 'data set (default mnist: the 60,000 training images)' },
  n: { type: 'integer', placeholder: 'N', description: 'number of points (default: the whole data set; synthetic: 1000)' },
  d: { type: 'integer', placeholder: 'D', description: 'features of synthetic data (default 20)' },
  labels: { type: 'string', choices: ['true', 'random'], placeholder: 'true|random', description: 'the data\'s labels, or uniform random classes drawn from the seed' },
  classes: { type: 'boolean', description: 'one-hot outputs, one per class (d + n + n·k parameters) instead of a scalar output' },
  direction: {
    type: 'string',
    placeholder: 'best-of:M|gaussian|v1,v2,…',
    description: 'projection direction a: best of M seeded Gaussians (default best-of:4), one Gaussian, or an explicit vector',
  },
  lambda: { type: 'number', placeholder: 'λ', description: `bias placement fraction in (0, 1) (default ${DEFAULT_LAMBDA})` },
  exact: { type: 'boolean', description: 'construct in exact rational arithmetic (small data: n·d ≤ 100,000) and check every point exactly' },
  depth: { type: 'integer', placeholder: 'k', description: 'also build the depth-k network of width ⌈n/k⌉ + 3 and compare it with the shallow one' },
  save: { type: 'string', placeholder: 'FILE', description: 'write the network as JSON (a, b, w, n, d, k, point order)' },
  ...commonFlags,
};

/** Above this many input entries the exact construction is refused (it would take minutes). */
export const EXACT_LIMIT = 100_000;

/** `rethink expressivity`: Theorem 1 built, certified and reported. */
export async function runExpressivity(argv: readonly string[], out: Output): Promise<number> {
  const flags = parseFlags(argv, expressivityFlags, 'expressivity');
  const seed = (flags.seed as number | undefined) ?? freshSeed();
  const dataName = (flags.data as string | undefined) ?? 'mnist';
  const multiClass = flags.classes === true;
  const exact = flags.exact === true;
  if (exact && multiClass) throw new InputError('--exact builds a scalar-output network; drop --classes');
  if (flags.depth !== undefined && multiClass) throw new InputError('--depth builds a scalar-output network; drop --classes');
  out.info(`seed: ${seed}`);

  const source = loadSource(dataName, {
    ...(flags.n !== undefined ? { n: flags.n as number } : {}),
    ...(flags.d !== undefined ? { d: flags.d as number } : {}),
    seed,
  });
  const { X } = source;
  let y = source.y;
  if (flags.labels === 'random') {
    if (source.classes === null) throw new InputError(`--labels random needs class labels 0 … k−1; ${dataName} has other labels`);
    y = randomLabels(X.rows, source.classes, seed);
  }
  if (multiClass && source.classes === null) throw new InputError(`--classes needs class labels 0 … k−1; ${dataName} has other labels`);
  out.info(`data: ${source.description}; labels: ${flags.labels ?? 'true'}`);

  const result = exact ? runExact(X, y, flags, seed) : runFloat(X, y, flags, seed, multiClass, source.classes);
  if (result.merged.length > 0) {
    const shown = result.merged.slice(0, 5).map((m) => `${m.dropped.join(', ')} → ${m.kept}`);
    out.info(
      `merged ${result.merged.reduce((s, m) => s + m.dropped.length, 0)} duplicate point(s) with equal labels into the row they copy (${shown.join('; ')}${result.merged.length > 5 ? '; …' : ''})`,
    );
  }
  const report = { ...result.report, data: source.description, labels: (flags.labels as string | undefined) ?? 'true', seed };

  if (flags.save !== undefined) {
    const path = flags.save as string;
    try {
      writeFileSync(path, JSON.stringify({ ...result.saved, seed, data: source.description }) + '\n');
    } catch (err) {
      throw new InputError(`--save ${path}: cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    out.info(`network saved to ${path}`);
  }
  if (flags.json === true) out.json(report);
  else out.table(formatTable(tableRows(report)));
  return 0;
}

interface RunResult {
  report: Record<string, unknown>;
  saved: Record<string, unknown>;
  merged: readonly { kept: number; dropped: readonly number[] }[];
}

function runFloat(
  X: Matrix,
  y: Float64Array,
  flags: Record<string, unknown>,
  seed: number,
  multiClass: boolean,
  classes: number | null,
): RunResult {
  const direction = parseDirection(flags.direction as string | undefined);
  const options = {
    seed,
    direction,
    ...(flags.lambda !== undefined ? { lambda: flags.lambda as number } : {}),
  };
  const t0 = performance.now();
  const net: InterpolatedNetwork = multiClass ? interpolateClasses(X, y, { ...options, classes: classes as number }) : interpolate(X, y, options);
  const constructMs = performance.now() - t0;
  const t1 = performance.now();
  const cert = certify(net, X, y);
  const certifyMs = performance.now() - t1;
  const diag = diagnose(net);
  const report: Record<string, unknown> = {
    n: net.n,
    d: net.d,
    k: net.k,
    parameterCount: net.parameterCount,
    constructMs: round(constructMs),
    certifyMs: round(certifyMs),
    maxResidual: cert.maxResidual,
    labelsRecovered: cert.labelsRecovered,
    minGap: diag.minGap,
    maxAbsWeight: diag.maxAbsWeight,
    growthFactor: diag.growthFactor,
    rowsGiven: net.rowsGiven,
    duplicatesMerged: net.merged.reduce((s, m) => s + m.dropped.length, 0),
    lambda: net.lambda,
    direction: describeDirection(direction),
    candidatesTried: net.candidatesTried,
    certificate: cert.method,
  };
  if (flags.depth !== undefined) Object.assign(report, depthReport(net, X, flags.depth as number, seed));
  const saved = {
    format: 'rethink/relu-2layer@1',
    function: 'c(x)[c] = sum_j w[j*k + c] * max(sum_i a[i]*x[i] - b[j], 0)',
    n: net.n,
    d: net.d,
    k: net.k,
    a: Array.from(net.a),
    b: Array.from(net.b),
    w: Array.from(net.w),
    order: Array.from(net.order),
    lambda: net.lambda,
  };
  return { report, saved, merged: net.merged };
}

/** Points checked when comparing the float64 depth-k network with the shallow one (a seeded sample beyond this). */
export const DEPTH_CHECK_POINTS = 1000;

function depthReport(net: InterpolatedNetwork, X: Matrix, k: number, seed: number): Record<string, unknown> {
  const deep = deepen(net, k, numberField);
  const rows = Array.from({ length: X.rows }, (_, i) => i);
  const checked = X.rows <= DEPTH_CHECK_POINTS ? rows : new Rng(seed).fork('depth-check').shuffle(rows).slice(0, DEPTH_CHECK_POINTS);
  let maxDeviation = 0;
  for (const i of checked) {
    const x = rowOf(X, i);
    maxDeviation = Math.max(maxDeviation, Math.abs(deep.evaluate(Array.from(x)) - net.predict(x)));
  }
  return {
    depth: k,
    depthWidth: Math.max(...deep.widths),
    depthWidthLimit: Math.ceil(net.n / k) + 3,
    depthParameterCount: deep.sparseParameterCount,
    // float64 evaluation of both; equality is proven exactly in proofs/depth-k.proof.ts and by --exact --depth
    depthMaxDeviation: maxDeviation,
    depthCheckedPoints: checked.length,
  };
}

function runExact(X: Matrix, y: Float64Array, flags: Record<string, unknown>, seed: number): RunResult {
  if (X.rows * X.cols > EXACT_LIMIT) {
    throw new InputError(
      `--exact: n·d = ${X.rows}·${X.cols} = ${X.rows * X.cols} exceeds the exact-arithmetic limit ${EXACT_LIMIT}; use --n ${Math.max(1, Math.floor(EXACT_LIMIT / X.cols))} or fewer, or drop --exact (the float construction is certified rigorously)`,
    );
  }
  if (flags.direction !== undefined) throw new InputError('--direction applies to the float construction; --exact chooses a exactly');
  const rows = Array.from({ length: X.rows }, (_, i) => Array.from(rowOf(X, i)));
  const labels = Array.from(y);
  const t0 = performance.now();
  const net = interpolateExact(rows, labels, { seed, ...(flags.lambda !== undefined ? { lambda: flags.lambda as number } : {}) });
  const constructMs = performance.now() - t0;
  // The exact check: c(x_i) − y_i for every point, in rational arithmetic (O(n) per point).
  const t1 = performance.now();
  let maxResidual = toFraction(0);
  let recovered = 0;
  rows.forEach((x, i) => {
    const r = net.evaluate(x).sub(toFraction(labels[i] as number)).abs();
    if (r.compare(maxResidual) > 0) maxResidual = r;
    if (r.compare('1/2') < 0) recovered++;
  });
  const certifyMs = performance.now() - t1;
  let minGap = net.zSorted.length > 1 ? net.zSorted[1]!.sub(net.zSorted[0]!) : null;
  for (let i = 2; i < net.n; i++) {
    const g = net.zSorted[i]!.sub(net.zSorted[i - 1]!);
    if (minGap !== null && g.compare(minGap) < 0) minGap = g;
  }
  let maxAbsWeight = toFraction(0);
  for (const w of net.w) if (w.abs().compare(maxAbsWeight) > 0) maxAbsWeight = w.abs();
  const report: Record<string, unknown> = {
    n: net.n,
    d: net.d,
    k: 1,
    parameterCount: net.parameterCount,
    constructMs: round(constructMs),
    certifyMs: round(certifyMs),
    maxResidual: maxResidual.valueOf(),
    maxResidualExact: maxResidual.toFraction(),
    labelsRecovered: labels.every(Number.isInteger) ? recovered / rows.length : null,
    minGap: minGap === null ? null : minGap.valueOf(),
    maxAbsWeight: maxAbsWeight.valueOf(),
    rowsGiven: rows.length,
    duplicatesMerged: net.merged.reduce((s, m) => s + m.dropped.length, 0),
    direction: net.directionUsed,
    certificate: 'exact rational arithmetic: c(x_i) − y_i evaluated exactly at every point',
  };
  if (flags.depth !== undefined) {
    const k = flags.depth as number;
    const deep = deepen(net, k, fractionField);
    const equal = rows.every((x) => deep.evaluate(x.map((v) => toFraction(v))).equals(net.evaluate(x)));
    Object.assign(report, {
      depth: k,
      depthWidth: Math.max(...deep.widths),
      depthWidthLimit: Math.ceil(net.n / k) + 3,
      depthParameterCount: deep.sparseParameterCount,
      depthEqualsShallowExactly: equal,
    });
  }
  const saved = {
    format: 'rethink/relu-2layer-exact@1',
    function: 'c(x) = sum_j w[j] * max(sum_i a[i]*x[i] - b[j], 0), all numbers exact fractions',
    n: net.n,
    d: net.d,
    k: 1,
    a: net.a.map((v) => v.toFraction()),
    b: net.b.map((v) => v.toFraction()),
    w: net.w.map((v) => v.toFraction()),
    order: net.order,
  };
  return { report, saved, merged: net.merged };
}

/** `best-of:M`, `gaussian`, or a comma-separated vector. */
export function parseDirection(spec: string | undefined): DirectionStrategy {
  if (spec === undefined) return { kind: 'best-of', candidates: 4 };
  if (spec === 'gaussian') return { kind: 'gaussian' };
  const best = /^best-of:(\d+)$/.exec(spec);
  if (best) {
    const m = Number(best[1]);
    if (m < 1) throw new InputError(`--direction best-of:${m}: need at least one candidate`);
    return { kind: 'best-of', candidates: m };
  }
  const parts = spec.split(',').map((s) => s.trim());
  const a = parts.map(Number);
  if (parts.length === 0 || parts.some((p) => p === '') || a.some((v) => !Number.isFinite(v))) {
    throw new InputError(`--direction '${spec}' is not best-of:M, gaussian, or a comma-separated list of numbers`);
  }
  return { kind: 'explicit', a };
}

function describeDirection(s: DirectionStrategy): string {
  return s.kind === 'explicit' ? `explicit (${s.a.length} entries)` : s.kind === 'gaussian' ? 'gaussian' : `best-of:${s.candidates}`;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function tableRows(r: Record<string, unknown>): [string, string][] {
  const rows: [string, string][] = [
    ['data', String(r.data)],
    ['labels', String(r.labels)],
    ['n (distinct points)', String(r.n)],
    ['d', String(r.d)],
    ['outputs k', String(r.k)],
    ['parameters', `${r.parameterCount}${r.k === 1 ? ' (= 2n + d)' : ' (= d + n + n·k)'}`],
    ['construct time', `${r.constructMs} ms`],
    ['certify time', `${r.certifyMs} ms`],
    ['certified max residual', fmt(r.maxResidual)],
    ['labels recovered', r.labelsRecovered === null ? 'n/a (non-integer labels)' : `${fmt((r.labelsRecovered as number) * 100)}% (proven)`],
    ['min projection gap', fmt(r.minGap)],
    ['max |w|', fmt(r.maxAbsWeight)],
    ['certificate', String(r.certificate)],
    ['seed', String(r.seed)],
  ];
  if ((r.duplicatesMerged as number) > 0) rows.splice(3, 0, ['duplicates merged', String(r.duplicatesMerged)]);
  if (r.depth !== undefined) {
    rows.push([`depth-${r.depth} width`, `${r.depthWidth} (≤ ⌈n/k⌉ + 3 = ${r.depthWidthLimit})`]);
    if (r.depthMaxDeviation !== undefined) {
      rows.push([`depth-k vs shallow (float64, ${r.depthCheckedPoints} points)`, fmt(r.depthMaxDeviation)]);
    }
    if (r.depthEqualsShallowExactly !== undefined) rows.push(['depth-k = shallow (exact)', String(r.depthEqualsShallowExactly)]);
  }
  return rows;
}

function fmt(v: unknown): string {
  if (typeof v !== 'number') return String(v);
  if (v === 0 || (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6)) return String(Math.round(v * 1e6) / 1e6);
  return v.toExponential(3);
}
