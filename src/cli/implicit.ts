import { InputError } from '../errors.js';
import { scaleMatrix } from '../data/matrix.js';
import { mnistMatrix } from '../data/mnist.js';
import { kernelInterpolate, type Kernel } from '../implicit/kernel.js';
import { minNormSolution, sgdLeastSquares, sgdLimit } from '../implicit/least-squares.js';
import { Rng, freshSeed } from '../random/rng.js';
import { randomizeLabels } from '../randomization/labels.js';
import type { LabelRandomizationId } from '../randomization/names.js';
import { onlyWith, type Flags } from './args.js';
import { MNIST_TEST_N, type kernelFlags, type sgdMinNormFlags } from './commands.js';
import { labelRandomization } from './labels.js';
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

/** `rethink kernel`: minimum-norm kernel interpolation on MNIST (paper §5). */
export async function runKernel(flags: Flags<typeof kernelFlags>, out: Output): Promise<number> {
  const t0 = performance.now();
  const seed = flags.seed ?? freshSeed();
  const compareNorms = flags['compare-norms'] === true;
  const polynomial = flags.kernel === 'polynomial';
  onlyWith(flags.gamma !== undefined, !polynomial, '--gamma is the Gaussian kernel\'s width; with --kernel polynomial use --degree');
  onlyWith(flags.degree !== undefined, polynomial, '--degree is the polynomial kernel\'s; add --kernel polynomial, or use --gamma for the Gaussian one');
  onlyWith(flags.randomization !== undefined || flags.labels !== undefined || flags.p !== undefined, !compareNorms, '--compare-norms runs p = 0, 0.25, 0.5, 0.75 and 1 itself; drop --randomization/--labels/--p');
  const { randomization, p } = labelRandomization(flags);
  const n = flags.n === 'all' ? 60_000 : (flags.n ?? 1000);
  const testN = flags['test-n'] === 'all' ? MNIST_TEST_N : (flags['test-n'] ?? MNIST_TEST_N);
  const gamma = flags.gamma ?? 0.02;
  const kernel: Kernel = polynomial ? { kind: 'polynomial', degree: flags.degree ?? 3 } : { kind: 'gaussian', gamma };
  const requested = flags.solver ?? 'auto';
  const solver: 'cholesky' | 'cg' = requested === 'auto' ? (n <= 2000 ? 'cholesky' : 'cg') : requested;
  onlyWith(flags.tol !== undefined, solver === 'cg', `--tol is the conjugate-gradient tolerance; the ${solver} solve is direct (use --solver cg)`);
  onlyWith(flags.backend !== undefined, solver === 'cg', `--backend is the engine of --solver cg; the ${solver} solve runs in JavaScript`);
  const tol = flags.tol ?? 0.1;
  out.info(`seed: ${seed}`);
  // tfjs loads only when the engine is used.
  const engine = solver === 'cg' ? await import('../implicit/kernel-fast.js') : null;
  engine?.checkFastKernelPlan(n, 784, testN); // refuse a solve that cannot fit before loading anything
  const backend = solver === 'cg' ? (await (await import('../engine/backend.js')).startBackend(flags.backend ?? 'auto')).name : null;
  const train = mnistMatrix('train', n, seed);
  const test = mnistMatrix('test', testN, seed);
  const Xtr = scaleMatrix(train.X, 1 / 255);
  const Xte = scaleMatrix(test.X, 1 / 255);
  const run = async (r: LabelRandomizationId, p: number | undefined) => {
    const { y: labels, p: pUsed, labelsChanged } = randomizeLabels(Float64Array.from(train.labels), 10, r, p, seed);
    if (engine !== null) {
      // The test kernel is computed on the second core while this one builds K and solves.
      const t = performance.now();
      const f = await engine.kernelInterpolateFast(Float32Array.from(Xtr.data), labels, Xtr.rows, Xtr.cols, { kernel, tol, test: { Z: Float32Array.from(Xte.data), m: Xte.rows } });
      f.dispose();
      const yHat = f.testPredictions as Int32Array;
      let wrong = 0;
      for (let r = 0; r < Xte.rows; r++) if (yHat[r] !== test.labels[r]) wrong++;
      const totalMs = Math.round(performance.now() - t);
      return { randomization: r, p: pUsed, labelsChanged, n, testN: Xte.rows, testError: wrong / Xte.rows, trainError: f.trainError, rkhsNorm: f.rkhsNorm, solveMs: Math.round(f.solveMs), predictMs: totalMs - Math.round(f.solveMs), peakBytes: f.peakBytes, iterations: f.iterations, relativeResidual: f.relativeResidual };
    }
    const f = kernelInterpolate(Xtr, labels, { kernel, solver });
    const yHat = f.predict(Xte);
    let wrong = 0;
    for (let r = 0; r < Xte.rows; r++) {
      let best = 0;
      for (let c = 1; c < f.k; c++) if ((yHat[r * f.k + c] as number) > (yHat[r * f.k + best] as number)) best = c;
      if (best !== test.labels[r]) wrong++;
    }
    return { randomization: r, p: pUsed, labelsChanged, n, testN: Xte.rows, testError: wrong / Xte.rows, trainError: f.trainError, rkhsNorm: f.rkhsNorm, solveMs: Math.round(f.solveMs), peakBytes: f.peakBytes };
  };
  type Row = Awaited<ReturnType<typeof run>>;
  if (flags['compare-norms'] === true) {
    const rows: Row[] = [];
    for (const q of [0, 0.25, 0.5, 0.75, 1]) rows.push(await run(q === 0 ? 'true-labels' : q === 1 ? 'random-labels' : 'corrupt-labels', q === 0 || q === 1 ? undefined : q));
    finiteReport({ rows });
    if (flags.json === true) out.json({ compare: rows, seed, kernel, solver, backend, wallMs: Math.round(performance.now() - t0) });
    else {
      out.table(
        formatTable([
          ['p (label corruption)', 'train error · test error · RKHS norm'],
          ...rows.map((r): [string, string] => [String(r.p), `${r.trainError} · ${(r.testError * 100).toFixed(2)}% · ${r.rkhsNorm.toFixed(1)}`]),
        ]) +
          `\nFrom p = 0 to p = 1 the RKHS norm changes ×${(rows[4]!.rkhsNorm / rows[0]!.rkhsNorm).toFixed(2)} while the training error stays ` +
          `${Math.max(...rows.map((r) => r.trainError))}: every labelling is interpolated, and the norm does not say which will generalize. seed ${seed}`,
      );
    }
    return 0;
  }
  const r: Row = await run(randomization, p);
  const report = finiteReport({ ...r, seed, kernel, solver, backend, wallMs: Math.round(performance.now() - t0) });
  if (flags.json === true) out.json(report);
  else {
    out.table(
      formatTable([
        ['training images', `${n}; ${r.randomization}${r.randomization === 'corrupt-labels' ? ` (p = ${r.p})` : ''}, labels changed: ${(100 * r.labelsChanged).toFixed(1)}%`],
        ['kernel', kernel.kind === 'gaussian' ? `exp(−${gamma}‖x − x′‖²)` : `(⟨x, x′⟩ + 1)^${kernel.degree}`],
        ['solver', solver === 'cg' && 'iterations' in r ? `cg on ${backend}: ${r.iterations} iterations, relative residual ${(r.relativeResidual ?? NaN).toExponential(2)} (float32)` : solver],
        ['training error', String(r.trainError)],
        [`test error (${Xte.rows} MNIST test images)`, `${(r.testError * 100).toFixed(2)}%`],
        ['RKHS norm', r.rkhsNorm.toFixed(3)],
        ['solve time', `${r.solveMs} ms (kernel + solve)${'predictMs' in r ? `; test prediction (its kernel on the second core, in parallel) +${r.predictMs} ms` : ''}; total ${report.wallMs} ms`],
        ['planned memory', `${(r.peakBytes / 2 ** 20).toFixed(0)} MiB`],
        ['seed', String(seed)],
      ]),
    );
  }
  return 0;
}
