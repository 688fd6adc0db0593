import { InputError, InterruptedError } from '../errors.js';
import { loadDataset } from '../data/dataset.js';
import { kernelInterpolate, type Kernel } from '../implicit/kernel.js';
import { minNormSolution, sgdLeastSquares, sgdLimit } from '../implicit/least-squares.js';
import { Rng, freshSeed } from '../random/rng.js';
import { randomizePoints, type LabelRandomizationId } from '../randomization/registry.js';
import { onlyWith, type Flags } from './args.js';
import type { FastKernelInterpolant, KernelProgress, LabelSetResult, PreconditionerSize, ResidualCheck } from '../implicit/kernel-fast.js';
import { INTERRUPTED_EXIT, whileInterruptible } from './interrupt.js';
import { statusLine } from './progress.js';
import { MNIST_TEST_N, type kernelFlags, type sgdMinNormFlags } from './commands.js';
import { labelRandomization, parsePs } from './labels.js';
import { finiteReport, formatTable, type Output } from './output.js';

/** `rethink sgd-min-norm`: SGD on a random least-squares problem and its distance to X⁺y. */
export async function runSgdMinNorm(flags: Flags<typeof sgdMinNormFlags>, out: Output): Promise<number> {
  const t0 = performance.now();
  const seed = flags.seed ?? freshSeed();
  const n = flags.n ?? 50;
  const d = flags.d ?? 200;
  if (n > d) {
    throw new InputError(`--n ${n} > --d ${d}: with more examples than features a generic least-squares problem has no interpolant, so SGD has no limit to reach; use --d ≥ --n`);
  }
  out.info(`seed: ${seed}`);
  const rng = new Rng(seed).fork('problem');
  const X = Array.from({ length: n }, () => Array.from({ length: d }, () => rng.gaussian() / Math.sqrt(d))); // (n, d)
  const y = Array.from({ length: n }, () => rng.gaussian());
  const w0 = flags.w0 === 'random' ? Array.from({ length: d }, () => rng.gaussian()) : new Array<number>(d).fill(0);
  const epochs = flags.epochs ?? 5000;
  const result = sgdLeastSquares(X, y, { w0, seed, epochs });
  const yNorm = Math.sqrt(y.reduce((s, v) => s + v * v, 0));
  if (result.residual > 1e-9 * yNorm) {
    out.info(`SGD did not converge within ${epochs} epochs (‖Xw − y‖ = ${result.residual.toExponential(2)}): the distances below are not limits yet; raise --epochs`);
  }
  const star = minNormSolution(X, y);
  const limit = sgdLimit(X, y, w0);
  const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, c) => s + c * c, 0));
  const diff = (a: ArrayLike<number>, b: ArrayLike<number>) => norm(Array.from(a, (v, j) => v - (b[j] as number)));
  const report = {
    n,
    d,
    w0: flags.w0 ?? 'zero',
    steps: result.steps,
    epochs: result.epochs,
    trainResidual: result.residual,
    converged: result.residual <= 1e-9 * yNorm,
    distanceToMinNorm: diff(result.w, star),
    distanceToPredictedLimit: diff(result.w, limit),
    normW: norm(result.w),
    normMinNorm: norm(star),
    seed,
    wallMs: Math.round(performance.now() - t0),
  };
  finiteReport(report);
  if (flags.json === true) out.json(report);
  else {
    out.table(
      formatTable([
        ['problem', `n = ${n}, d = ${d}, Gaussian X/√d, w₀ = ${report.w0}`],
        ['SGD', `${report.steps} steps (${report.epochs} epochs), ‖Xw − y‖ = ${report.trainResidual.toExponential(2)}`],
        ['‖w − X⁺y‖', report.distanceToMinNorm.toExponential(3)],
        ['‖w − (X⁺y + (I − P_row)w₀)‖', report.distanceToPredictedLimit.toExponential(3)],
        ['‖w‖ vs ‖X⁺y‖', `${report.normW.toPrecision(6)} vs ${report.normMinNorm.toPrecision(6)}`],
        ['seed', String(seed)],
      ]),
    );
  }
  return 0;
}

/** "1 m 05 s", "42 s". */
function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`;
}

/** One status line for a stage of the blocked solver (stderr). */
export function formatKernelProgress(p: KernelProgress): string {
  const left = p.etaMs === null ? '' : `, ~${duration(p.etaMs)} left`;
  switch (p.phase) {
    case 'kernel':
      return `  kernel: ${p.done}/${p.total} tiles of K built (${Math.floor((100 * p.done) / p.total)}%), ${duration(p.elapsedMs)}${left}`;
    case 'preconditioner':
      return p.done < p.total ? '  preconditioner: Nyström eigenpairs of the landmarks\' kernel…' : `  preconditioner: built in ${duration(p.elapsedMs)}`;
    case 'solve':
      return `  solve: iteration ${p.done}, relative residual ${(p.relativeResidual ?? NaN).toExponential(2)} (target ${p.tol}), ${duration(p.elapsedMs)}${left}`;
    default:
      return `  ${p.phase === 'predict' ? 'test' : p.phase}: ${p.done}/${p.total} blocks of test images scored, ${duration(p.elapsedMs)}${left}`;
  }
}

/** The command line that resumes an interrupted solve: the flags given, with the seed in use. */
function resumeCommand(flags: Flags<typeof kernelFlags>, seed: number): string {
  const parts = Object.entries(flags)
    .filter(([key]) => key !== 'debug' && key !== 'seed')
    .map(([key, v]) => (v === true ? `--${key}` : `--${key} ${String(v)}`));
  return ['rethink kernel', ...parts, `--seed ${seed}`].join(' ');
}

/** `rethink kernel`: minimum-norm kernel interpolation on MNIST (paper §5). */
export async function runKernel(flags: Flags<typeof kernelFlags>, out: Output): Promise<number> {
  const t0 = performance.now();
  const seed = flags.seed ?? freshSeed();
  const compareNorms = flags['compare-norms'] === true;
  const polynomial = flags.kernel === 'polynomial';
  onlyWith(flags.gamma !== undefined, !polynomial, '--gamma is the Gaussian kernel\'s width; with --kernel polynomial use --degree');
  onlyWith(flags.degree !== undefined, polynomial, '--degree is the polynomial kernel\'s; add --kernel polynomial, or use --gamma for the Gaussian one');
  onlyWith(flags.randomization !== undefined || flags.labels !== undefined || flags.p !== undefined, !compareNorms, '--compare-norms runs the corruption levels of --ps itself; drop --randomization/--labels/--p');
  onlyWith(flags.ps !== undefined, compareNorms, '--ps gives the levels of --compare-norms; add --compare-norms (one level: --randomization corrupt-labels --p p)');
  const { randomization, p } = labelRandomization(flags);
  const n = flags.n === 'all' ? 60_000 : (flags.n ?? 1000);
  const testN = flags['test-n'] === 'all' ? MNIST_TEST_N : (flags['test-n'] ?? MNIST_TEST_N);
  const gamma = flags.gamma ?? 0.02;
  const kernel: Kernel = polynomial ? { kind: 'polynomial', degree: flags.degree ?? 3 } : { kind: 'gaussian', gamma };
  const requested = flags.solver ?? 'auto';
  const solver: 'cholesky' | 'cg' = requested === 'auto' ? (n <= 2000 ? 'cholesky' : 'cg') : requested;
  const cg = solver === 'cg';
  const direct = `the ${solver} solve is direct (use --solver cg)`;
  onlyWith(flags.tol !== undefined, cg, `--tol is the conjugate-gradient tolerance; ${direct}`);
  onlyWith(flags.backend !== undefined, cg, `--backend is the engine of --solver cg; the ${solver} solve runs in JavaScript`);
  onlyWith(flags.checkpoint !== undefined, cg, `--checkpoint saves the conjugate-gradient iteration; ${direct}`);
  onlyWith(flags.preconditioner !== undefined || flags.landmarks !== undefined || flags.rank !== undefined, cg, `--preconditioner, --landmarks and --rank are for the conjugate-gradient solve; ${direct}`);
  onlyWith(flags.landmarks !== undefined || flags.rank !== undefined, flags.preconditioner !== 'none', '--landmarks and --rank size the Nyström preconditioner; drop them with --preconditioner none');
  const levels = compareNorms ? parsePs(flags.ps ?? '0,0.25,0.5,0.75,1') : null;
  const memoryBudget = flags.memory === undefined ? undefined : flags.memory * 2 ** 30;
  const tol = flags.tol ?? 0.1;
  // tfjs loads only when the engine is used.
  const engine = cg ? await import('../implicit/kernel-fast.js') : null;
  let size: PreconditionerSize | null = null;
  if (engine !== null && flags.preconditioner !== 'none') {
    const fallback = engine.defaultPreconditioner(n);
    const s = flags.landmarks ?? (flags.rank !== undefined ? Math.min(n, Math.max(fallback.s, flags.rank + 1)) : fallback.s);
    const q = flags.rank ?? (flags.landmarks !== undefined ? s - 1 : fallback.q);
    if (s > n) throw new InputError(`--landmarks ${s}: more landmarks than the ${n} training images; choose 2 … ${n}`);
    if (q >= s) throw new InputError(`--rank ${q}: the rank must be below the ${s} landmarks; choose 1 … ${s - 1}`);
    size = { s, q };
  }
  out.info(`seed: ${seed}`);
  // Refuse a solve that cannot fit before loading anything.
  engine?.checkFastKernelPlan(n, 784, testN, memoryBudget, size);
  // cg splits its tiles between this thread's engine and one worker's, one wasm thread each.
  const backend = cg ? (await (await import('../engine/backend.js')).startBackend(flags.backend ?? 'auto', { threads: 1 })).name : null;
  const ds = loadDataset({ source: 'mnist', n, testN, seed }); // the same images as fit --n --test-n --seed
  const test = { labels: (ds.test as NonNullable<typeof ds.test>).labels };
  const Xtr = ds.matrix('train', { unit: true }); // (n, 784), pixels / 255
  const Xte = ds.matrix('test', { unit: true }); // (m, 784)
  const runs = (levels ?? [null]).map((q) => {
    const [r, pr]: [LabelRandomizationId, number | undefined] = q === null ? [randomization, p] : q === 0 ? ['true-labels', undefined] : q === 1 ? ['random-labels', undefined] : ['corrupt-labels', q];
    // As in fit: label randomizations keep the test labels clean, except random-signs, whose test labels are signs too.
    const randomized = randomizePoints(ds.train, ds.test, r, pr, seed);
    return { r, y: randomized.train.labels, testLabels: randomized.test?.labels ?? test.labels, p: randomized.p as number, labelsChanged: randomized.labelsChanged };
  });
  const testError = (yHat: ArrayLike<number>, labels: ArrayLike<number>): number => {
    let wrong = 0;
    for (let r = 0; r < Xte.rows; r++) if (yHat[r] !== labels[r]) wrong++;
    return wrong / Xte.rows;
  };
  type Row = { randomization: LabelRandomizationId; p: number; labelsChanged: number; n: number; testN: number; testError: number; trainError: number; rkhsNorm: number; relativeResidual?: number; residualCheck?: ResidualCheck; solveMs?: number; peakBytes?: number };
  let rows: Row[];
  let solve: Record<string, unknown>;
  if (engine !== null) {
    const status = statusLine(process.stderr, undefined, 15_000);
    let phase = '';
    let f: FastKernelInterpolant;
    try {
      f = await whileInterruptible((signal) =>
        engine.kernelInterpolateFastSets(Float32Array.from(Xtr.data), runs.map((r) => r.y), Xtr.rows, Xtr.cols, {
          kernel,
          tol,
          seed,
          preconditioner: size,
          test: { Z: Float32Array.from(Xte.data), m: Xte.rows },
          memoryBudget,
          signal,
          ...(flags.checkpoint !== undefined ? { checkpoint: flags.checkpoint } : {}),
          onProgress: (pr) => {
            status.show(formatKernelProgress(pr), pr.phase !== phase || pr.done === pr.total);
            phase = pr.phase;
          },
        }),
      );
    } catch (err) {
      status.clear();
      if (err instanceof InterruptedError) {
        out.error(
          flags.checkpoint !== undefined
            ? `interrupted after iteration ${err.epochsDone}; resume with: ${resumeCommand(flags, seed)}`
            : `interrupted after iteration ${err.epochsDone} (nothing was saved: add --checkpoint DIR to make a long solve resumable)`,
        );
        return INTERRUPTED_EXIT;
      }
      throw err;
    }
    status.clear();
    f.dispose();
    if (f.resumedFrom !== null) out.info(`resumed from the checkpoint in ${flags.checkpoint} at iteration ${f.resumedFrom}`);
    rows = runs.map((run, j) => {
      const set = f.sets[j] as LabelSetResult;
      return { randomization: run.r, p: run.p, labelsChanged: run.labelsChanged, n, testN: Xte.rows, testError: testError(set.testPredictions as Int32Array, run.testLabels), trainError: set.trainError, rkhsNorm: set.rkhsNorm, relativeResidual: set.relativeResidual, residualCheck: set.residualCheck };
    });
    solve = {
      iterations: f.iterations,
      relativeResidual: f.relativeResidual,
      tol,
      preconditioner: f.preconditioner,
      resumedFrom: f.resumedFrom,
      restarts: f.restarts,
      ...f.timings,
      solveMs: Math.round(f.solveMs),
      peakBytes: f.peakBytes,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    };
  } else {
    const t = performance.now();
    rows = runs.map((run) => {
      const f = kernelInterpolate(Xtr, run.y, { kernel, solver, ...(memoryBudget !== undefined ? { memoryBudget } : {}) });
      const scores = f.predict(Xte);
      const yHat = Int32Array.from({ length: Xte.rows }, (_, r) => {
        let best = 0;
        for (let c = 1; c < f.k; c++) if ((scores[r * f.k + c] as number) > (scores[r * f.k + best] as number)) best = c;
        return best;
      });
      return { randomization: run.r, p: run.p, labelsChanged: run.labelsChanged, n, testN: Xte.rows, testError: testError(yHat, run.testLabels), trainError: f.trainError, rkhsNorm: f.rkhsNorm, solveMs: Math.round(f.solveMs), peakBytes: f.peakBytes };
    });
    solve = { solveMs: Math.round(performance.now() - t), peakRssBytes: process.resourceUsage().maxRSS * 1024 };
  }
  const common = { dataFingerprint: ds.fingerprint, seed, kernel, solver, backend };
  if (levels !== null) {
    const first = rows[0] as Row;
    const last = rows[rows.length - 1] as Row;
    const report = finiteReport({ compare: rows, normRatio: last.rkhsNorm / first.rkhsNorm, ...solve, ...common, wallMs: Math.round(performance.now() - t0) });
    if (flags.json === true) out.json(report);
    else {
      out.table(
        formatTable([
          ['p (label corruption)', 'train error · test error · RKHS norm'],
          ...rows.map((r): [string, string] => [String(r.p), `${r.trainError} · ${(r.testError * 100).toFixed(2)}% · ${r.rkhsNorm.toFixed(1)}`]),
        ]) +
          `\nFrom p = ${first.p} to p = ${last.p} the RKHS norm changes ×${report.normRatio.toFixed(2)} while the training error stays ` +
          `${Math.max(...rows.map((r) => r.trainError))}: every labelling is interpolated, and the norm does not say which will generalize. seed ${seed}`,
      );
    }
    return 0;
  }
  const r = rows[0] as Row;
  const report = finiteReport({ ...r, ...solve, ...common, wallMs: Math.round(performance.now() - t0) });
  if (flags.json === true) out.json(report);
  else {
    const pre = solve.preconditioner as FastKernelInterpolant['preconditioner'] | undefined;
    const check = r.residualCheck;
    const mib = (b: unknown): string => `${((b as number) / 2 ** 20).toFixed(0)} MiB`;
    out.table(
      formatTable([
        ['training images', `${n}; ${r.randomization}${r.randomization === 'corrupt-labels' ? ` (p = ${r.p})` : ''}, labels changed: ${(100 * r.labelsChanged).toFixed(1)}%`],
        ['kernel', kernel.kind === 'gaussian' ? `exp(−${gamma}‖x − x′‖²)` : `(⟨x, x′⟩ + 1)^${kernel.degree}`],
        [
          'solver',
          cg
            ? `preconditioned cg on ${backend} + a wasm worker: ${String(solve.iterations)} iterations, relative residual ${(solve.relativeResidual as number).toExponential(2)} (target ${tol}; K float32)`
            : solver,
        ],
        ...(pre !== undefined ? ([['preconditioner', pre === null ? 'none' : `Nyström, ${pre.s} landmarks, rank ${pre.q} (λ̂ from ${pre.lambdaMax.toFixed(1)} to ${pre.lambdaFloor.toPrecision(3)}), built in ${(pre.ms / 1000).toFixed(1)} s`]] as [string, string][]) : []),
        ['training error', String(r.trainError)],
        ...(check !== undefined
          ? ([['float64 check', `${check.rows} seeded rows: relative residual ${check.float64RelativeResidual.toExponential(2)} (float32: ${check.float32RelativeResidual.toExponential(2)}), training error ${check.float64TrainError}`]] as [string, string][])
          : []),
        [`test error (${Xte.rows} MNIST test images)`, `${(r.testError * 100).toFixed(2)}%`],
        ['RKHS norm', r.rkhsNorm.toFixed(3)],
        [
          'time',
          cg
            ? `kernel ${duration(solve.kernelMs as number)}, preconditioner ${duration(solve.preconditionerMs as number)}, iterations ${duration(solve.iterateMs as number)}, test ${duration(solve.predictMs as number)}, check ${duration(solve.checkMs as number)}; total ${duration(report.wallMs)}`
            : `${String(solve.solveMs)} ms (kernel + solve); total ${report.wallMs} ms`,
        ],
        ['memory', `${cg ? `planned ${mib(solve.peakBytes)}, ` : ''}peak resident ${mib(solve.peakRssBytes)}`],
        ['seed', String(seed)],
      ]),
    );
  }
  return 0;
}
