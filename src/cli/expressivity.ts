import { existsSync, writeFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { rowOf, type Matrix } from '../data/matrix.js';
import { loadSource } from '../data/source.js';
import { certify } from '../expressivity/certify.js';
import { diagnose } from '../expressivity/diagnostics.js';
import type { DirectionStrategy } from '../expressivity/direction.js';
import { interpolate, interpolateClasses, type InterpolatedNetwork } from '../expressivity/interpolate.js';
import { Rng, freshSeed } from '../random/rng.js';
import { randomizeLabels } from '../randomization/labels.js';
import { fileError } from '../training/run-store.js';
import { onlyWith, type Flags } from './args.js';
import type { expressivityFlags } from './commands.js';
import { labelRandomization } from './labels.js';
import { finiteReport, formatTable, type Output } from './output.js';

type ExpressivityFlags = Flags<typeof expressivityFlags>;
type DeepModule = typeof import('../expressivity/deep.js');

/** Above this many input entries the exact construction is refused (it would take minutes). */
export const EXACT_LIMIT = 100_000;

/** `rethink expressivity`: Theorem 1 built, certified and reported. */
export async function runExpressivity(flags: ExpressivityFlags, out: Output): Promise<number> {
  const t0 = performance.now();
  const seed = flags.seed ?? freshSeed();
  const dataName = flags.data ?? 'mnist';
  const multiClass = flags.classes === true;
  const exact = flags.exact === true;
  if (exact && multiClass) throw new InputError('--exact builds a scalar-output network; drop --classes');
  if (flags.depth !== undefined && multiClass) throw new InputError('--depth builds a scalar-output network; drop --classes');
  onlyWith(flags.direction !== undefined, !exact, '--direction applies to the float construction; --exact chooses a by itself (an exactly verified integer direction)');
  onlyWith(flags.force === true, flags.save !== undefined, '--force replaces the file of --save; without --save nothing is written');
  const { randomization, p } = labelRandomization(flags);
  if (flags.save !== undefined && existsSync(flags.save) && flags.force !== true) {
    throw new InputError(`--save ${flags.save}: the file exists; add --force to replace it, or choose another file`);
  }
  out.info(`seed: ${seed}`);

  const tData = performance.now();
  const n = flags.n === 'all' ? undefined : flags.n;
  const source = loadSource(dataName, { ...(n !== undefined ? { n } : {}), ...(flags.d !== undefined ? { d: flags.d } : {}), seed });
  const dataLoadMs = performance.now() - tData;
  const { X } = source;
  let y = source.y;
  let labelsChanged = 0;
  if (randomization !== 'true-labels') {
    if (source.classes === null) throw new InputError(`--randomization ${randomization} needs class labels 0 … k−1; ${dataName} has other labels`);
    ({ y, labelsChanged } = randomizeLabels(y, source.classes, randomization, p, seed));
  }
  if (multiClass && source.classes === null) throw new InputError(`--classes needs class labels 0 … k−1; ${dataName} has other labels`);
  out.info(`data: ${source.description}; ${randomization}${p !== undefined ? ` (p = ${p})` : ''}`);

  // Exact arithmetic (mathjs, which the depth-k construction is generic over) loads only when used.
  const deep = flags.depth !== undefined || exact ? await import('../expressivity/deep.js') : null;
  const result = exact ? await runExact(X, y, flags, seed, deep as DeepModule) : runFloat(X, y, flags, seed, multiClass, source.classes, deep);
  if (result.merged.length > 0) {
    const shown = result.merged.slice(0, 5).map((m) => `${m.dropped.map((r) => r + 1).join(', ')} → ${m.kept + 1}`);
    out.info(
      `merged ${result.merged.reduce((s, m) => s + m.dropped.length, 0)} duplicate point(s) with equal labels into the row they copy (1-based rows: ${shown.join('; ')}${result.merged.length > 5 ? '; …' : ''})`,
    );
  }
  const report = finiteReport({
    ...result.report,
    data: source.description,
    randomization,
    p: randomization === 'true-labels' ? 0 : randomization === 'random-labels' ? 1 : (p as number),
    labelsChanged,
    dataLoadMs: round(dataLoadMs),
    wallMs: round(performance.now() - t0),
    seed,
  });

  if (flags.save !== undefined) {
    const path = flags.save;
    try {
      writeFileSync(path, JSON.stringify({ ...result.saved, seed, data: source.description }) + '\n');
    } catch (err) {
      throw fileError(err, 'write --save', path);
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
  flags: ExpressivityFlags,
  seed: number,
  multiClass: boolean,
  classes: number | null,
  deep: DeepModule | null,
): RunResult {
  const direction = parseDirection(flags.direction);
  const options = {
    seed,
    direction,
    ...(flags.lambda !== undefined ? { lambda: flags.lambda } : {}),
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
    minGap: Number.isFinite(diag.minGap) ? diag.minGap : null, // one distinct point: no gap
    maxAbsWeight: diag.maxAbsWeight,
    growthFactor: diag.growthFactor,
    rowsGiven: net.rowsGiven,
    duplicatesMerged: net.merged.reduce((s, m) => s + m.dropped.length, 0),
    lambda: net.lambda,
    direction: describeDirection(direction),
    candidatesTried: net.candidatesTried,
    certificate: cert.method,
  };
  if (flags.depth !== undefined && deep !== null) Object.assign(report, depthReport(net, X, flags.depth, seed, deep));
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

function depthReport(net: InterpolatedNetwork, X: Matrix, k: number, seed: number, { deepen, numberField }: DeepModule): Record<string, unknown> {
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

async function runExact(X: Matrix, y: Float64Array, flags: ExpressivityFlags, seed: number, { deepen, fractionField }: DeepModule): Promise<RunResult> {
  if (X.rows * X.cols > EXACT_LIMIT) {
    throw new InputError(
      `--exact: n·d = ${X.rows}·${X.cols} = ${X.rows * X.cols} exceeds the exact-arithmetic limit ${EXACT_LIMIT}; use --n ${Math.max(1, Math.floor(EXACT_LIMIT / X.cols))} or fewer, or drop --exact (the float construction is certified rigorously)`,
    );
  }
  const { interpolateExact } = await import('../expressivity/exact.js');
  const { toFraction, toNumber } = await import('../exact/fraction.js');
  const rows = Array.from({ length: X.rows }, (_, i) => Array.from(rowOf(X, i)));
  const labels = Array.from(y);
  const t0 = performance.now();
  const net = interpolateExact(rows, labels, { seed, ...(flags.lambda !== undefined ? { lambda: flags.lambda } : {}) });
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
    // toNumber, not valueOf(): exact weights can have numerators beyond float64's range (valueOf gives NaN)
    maxResidual: toNumber(maxResidual),
    maxResidualExact: maxResidual.toFraction(),
    labelsRecovered: labels.every(Number.isInteger) ? recovered / rows.length : null,
    minGap: minGap === null ? null : toNumber(minGap),
    maxAbsWeight: toNumber(maxAbsWeight),
    maxAbsWeightBits: maxAbsWeight.n.toString(2).length,
    rowsGiven: rows.length,
    duplicatesMerged: net.merged.reduce((s, m) => s + m.dropped.length, 0),
    lambda: flags.lambda ?? 0.25,
    direction: net.directionUsed,
    certificate: 'exact rational arithmetic: c(x_i) − y_i evaluated exactly at every point',
  };
  if (flags.depth !== undefined) {
    const k = flags.depth;
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
    ['randomization', `${r.randomization}${r.randomization === 'corrupt-labels' ? ` (p = ${r.p})` : ''}; labels changed: ${fmt((r.labelsChanged as number) * 100)}%`],
    ['n (distinct points)', String(r.n)],
    ['d', String(r.d)],
    ['outputs k', String(r.k)],
    ['parameters', `${r.parameterCount}${r.k === 1 ? ' (= 2n + d)' : ' (= d + n + n·k)'}`],
    ['construct time', `${r.constructMs} ms`],
    ['certify time', `${r.certifyMs} ms`],
    ['data load, total', `${r.dataLoadMs} ms, ${r.wallMs} ms`],
    ['certified max residual', fmt(r.maxResidual)],
    ['labels recovered', r.labelsRecovered === null ? 'n/a (non-integer labels)' : `${fmt((r.labelsRecovered as number) * 100)}% (proven)`],
    ['min projection gap', fmt(r.minGap)],
    ['max |w|', `${fmt(r.maxAbsWeight)}${r.maxAbsWeightBits !== undefined ? ` (numerator of ${r.maxAbsWeightBits} bits)` : ''}`],
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
