import { existsSync, writeFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { rowOf, type Matrix } from '../data/matrix.js';
import { loadDataset } from '../data/dataset.js';
import { certify } from '../expressivity/certify.js';
import { diagnose } from '../expressivity/diagnostics.js';
import type { DirectionStrategy } from '../expressivity/direction.js';
import { interpolate, interpolateClasses, type InterpolatedNetwork } from '../expressivity/interpolate.js';
import { saveExactNetwork, saveNetwork, type SavedExactNetwork, type SavedNetwork } from '../expressivity/network-file.js';
import { Rng, freshSeed } from '../random/rng.js';
import { fileError } from '../training/run-store.js';
import { onlyWith, type Flags } from './args.js';
import type { expressivityFlags } from './commands.js';
import { labelRandomization } from './labels.js';
import { finiteReport, formatNumber, formatTable, type Output } from './output.js';

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
  const ds = loadDataset({ source: dataName, n: n ?? null, ...(flags.d !== undefined ? { d: flags.d } : {}), seed, randomization, ...(p !== undefined ? { p } : {}), test: false });
  const X = ds.matrix('train'); // (n, d): raw pixels 0 … 255 for MNIST, so projections stay exact
  const dataLoadMs = performance.now() - tData;
  const y = ds.train.labels;
  const classes = ds.train.classes;
  if (multiClass && classes === null) throw new InputError(`--classes needs class labels 0 … k−1; ${dataName} has other labels`);
  out.info(`data: ${ds.description}; ${randomization}${p !== undefined ? ` (p = ${p})` : ''}`);

  // Exact arithmetic (mathjs, which the depth-k construction is generic over) loads only when used.
  const deep = flags.depth !== undefined || exact ? await import('../expressivity/deep.js') : null;
  const result = exact ? await runExact(X, y, flags, seed, deep as DeepModule) : runFloat(X, y, flags, seed, multiClass, classes, deep);
  if (result.merged.length > 0) {
    const shown = result.merged.slice(0, 5).map((m) => `${m.dropped.map((r) => r + 1).join(', ')} → ${m.kept + 1}`);
    out.info(
      `merged ${result.merged.reduce((s, m) => s + m.dropped.length, 0)} duplicate point(s) with equal labels into the row they copy (1-based rows: ${shown.join('; ')}${result.merged.length > 5 ? '; …' : ''})`,
    );
  }
  const report = finiteReport({
    ...result.report,
    data: ds.description,
    dataFingerprint: ds.fingerprint,
    randomization,
    p: ds.p,
    labelsChanged: ds.labelsChanged,
    dataLoadMs: round(dataLoadMs),
    wallMs: round(performance.now() - t0),
    seed,
  });

  if (flags.save !== undefined) {
    const path = flags.save;
    try {
      writeFileSync(path, JSON.stringify({ ...result.saved, seed, data: ds.description }) + '\n');
    } catch (err) {
      throw fileError(err, 'write --save', path);
    }
    out.info(`network saved to ${path}`);
  }
  const fields = report as Record<string, unknown>;
  const recovered = fields.labelsRecovered;
  if (typeof recovered === 'number' && recovered < 1) {
    const lambda = typeof fields.lambda === 'number' ? fields.lambda : null;
    out.info(
      `note: ${formatNumber(100 * (1 - recovered))}% of the labels are not certified: float64 cannot hold this network's weights accurately enough (max |w| ${formatNumber(fields.maxAbsWeight as number)}${lambda !== null ? `; the weights grow by λ/(1 − λ) = ${formatNumber(lambda / (1 - lambda))} from point to point` : ''}); use a smaller --lambda (default 0.25) or --exact`,
    );
  }
  if (flags.json === true) out.json(report);
  else out.table(formatTable(tableRows(report)));
  return 0;
}

interface RunResult {
  report: Record<string, unknown>;
  saved: SavedNetwork | SavedExactNetwork;
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
  const saved = saveNetwork(net, { lambda: net.lambda });
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
  const { checkExact, interpolateExact } = await import('../expressivity/exact.js');
  const { toFraction, toNumber } = await import('../exact/fraction.js');
  const rows = Array.from({ length: X.rows }, (_, i) => Array.from(rowOf(X, i)));
  const labels = Array.from(y);
  const t0 = performance.now();
  const net = interpolateExact(rows, labels, { seed, ...(flags.lambda !== undefined ? { lambda: flags.lambda } : {}) });
  const constructMs = performance.now() - t0;
  // The exact check: c(x_i) − y_i for every point, in rational arithmetic.
  const t1 = performance.now();
  const check = checkExact(net, rows, labels);
  const certifyMs = performance.now() - t1;
  const { maxResidual, minGap, maxAbsWeight } = check;
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
    labelsRecovered: check.labelsRecovered,
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
  const saved = saveExactNetwork(net);
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
    ['randomization', `${r.randomization}${r.randomization === 'corrupt-labels' ? ` (p = ${r.p})` : ''}; labels changed: ${((r.labelsChanged as number) * 100).toFixed(1)}%`],
    ['n (distinct points)', String(r.n)],
    ['d', String(r.d)],
    ['outputs k', String(r.k)],
    ['parameters', `${r.parameterCount}${r.k === 1 ? ' (= 2n + d)' : ' (= d + n + n·k)'}`],
    ['construct time', `${r.constructMs} ms`],
    ['certify time', `${r.certifyMs} ms`],
    ['data load, total', `${r.dataLoadMs} ms, ${r.wallMs} ms`],
    ['certified max residual', formatNumber(r.maxResidual)],
    ['labels recovered', r.labelsRecovered === null ? 'n/a (non-integer labels)' : `${formatNumber((r.labelsRecovered as number) * 100)}% (proven)`],
    ['min projection gap', formatNumber(r.minGap)],
    ['max |w|', `${formatNumber(r.maxAbsWeight)}${r.maxAbsWeightBits !== undefined ? ` (numerator of ${r.maxAbsWeightBits} bits)` : ''}`],
    ['certificate', String(r.certificate)],
    ['seed', String(r.seed)],
  ];
  if ((r.duplicatesMerged as number) > 0) rows.splice(3, 0, ['duplicates merged', String(r.duplicatesMerged)]);
  if (r.depth !== undefined) {
    rows.push([`depth-${r.depth} width`, `${r.depthWidth} (≤ ⌈n/k⌉ + 3 = ${r.depthWidthLimit})`]);
    if (r.depthMaxDeviation !== undefined) {
      rows.push([`depth-k vs shallow (float64, ${r.depthCheckedPoints} points)`, formatNumber(r.depthMaxDeviation)]);
    }
    if (r.depthEqualsShallowExactly !== undefined) rows.push(['depth-k = shallow (exact)', String(r.depthEqualsShallowExactly)]);
  }
  return rows;
}
