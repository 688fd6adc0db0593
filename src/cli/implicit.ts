import { InputError } from '../errors.js';
import { scaleMatrix } from '../data/matrix.js';
import { mnistMatrix } from '../data/mnist.js';
import { kernelInterpolate, type Kernel } from '../implicit/kernel.js';
import { BACKENDS, type BackendName } from '../engine/names.js';
import { minNormSolution, sgdLeastSquares, sgdLimit } from '../implicit/least-squares.js';
import { Rng, freshSeed } from '../random/rng.js';
import { corruptLabels } from '../randomization/images.js';
import { commonFlags, parseFlags, type FlagSpecs } from './args.js';
import { formatTable, type Output } from './output.js';

export const sgdMinNormFlags: FlagSpecs = {
  n: { type: 'integer', placeholder: 'N', description: 'examples (default 50)' },
  d: { type: 'integer', placeholder: 'D', description: 'features (default 200; d ≥ n for interpolation)' },
  w0: { type: 'string', choices: ['zero', 'random'], placeholder: 'zero|random', description: 'start of SGD (default zero)' },
  epochs: { type: 'integer', placeholder: 'E', description: 'maximum passes (default 5000)' },
  ...commonFlags,
};

/** `rethink sgd-min-norm`: SGD on a random least-squares problem and its distance to X⁺y. */
export async function runSgdMinNorm(argv: readonly string[], out: Output): Promise<number> {
  const flags = parseFlags(argv, sgdMinNormFlags, 'sgd-min-norm');
  const seed = (flags.seed as number | undefined) ?? freshSeed();
  const n = (flags.n as number | undefined) ?? 50;
  const d = (flags.d as number | undefined) ?? 200;
  if (!(n >= 1 && d >= 1)) throw new InputError(`--n ${n} --d ${d}: both must be positive`);
  out.info(`seed: ${seed}`);
  const rng = new Rng(seed).fork('problem');
  const X = Array.from({ length: n }, () => Array.from({ length: d }, () => rng.gaussian() / Math.sqrt(d))); // (n, d)
  const y = Array.from({ length: n }, () => rng.gaussian());
  const w0 = flags.w0 === 'random' ? Array.from({ length: d }, () => rng.gaussian()) : new Array<number>(d).fill(0);
  const epochs = (flags.epochs as number | undefined) ?? 5000;
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
    w0: (flags.w0 as string | undefined) ?? 'zero',
    steps: result.steps,
    epochs: result.epochs,
    trainResidual: result.residual,
    converged: result.residual <= 1e-9 * yNorm,
    distanceToMinNorm: diff(result.w, star),
    distanceToPredictedLimit: diff(result.w, limit),
    normW: norm(result.w),
    normMinNorm: norm(star),
    seed,
  };
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

export const kernelFlags: FlagSpecs = {
  data: { type: 'string', choices: ['mnist'], placeholder: 'mnist', description: 'training data (MNIST pixels/255); the test set is MNIST\'s 10,000' },
  n: { type: 'integer', placeholder: 'N', description: 'training images (default 1000, a seeded subset)' },
  kernel: { type: 'string', choices: ['gaussian', 'polynomial'], placeholder: 'gaussian|polynomial', description: 'kernel (default gaussian)' },
  gamma: { type: 'number', placeholder: 'γ', description: 'Gaussian width exp(−γ‖x − x′‖²) (default 0.02)' },
  degree: { type: 'integer', placeholder: 'p', description: 'polynomial degree (⟨x, x′⟩ + 1)^p (default 3)' },
  labels: { type: 'string', choices: ['true', 'random'], placeholder: 'true|random', description: 'true labels or seeded random ones' },
  solver: { type: 'string', choices: ['auto', 'cholesky', 'cg'], placeholder: 'auto|cholesky|cg', description: 'cholesky: exact float64 in JavaScript; cg: conjugate gradients on the tfjs engine, float32 (default auto: cholesky up to n = 2000)' },
  tol: { type: 'number', placeholder: 'ε', description: 'cg: stop at relative residual ‖Y − Kα‖/‖Y‖ ≤ ε per class (default 0.1)' },
  backend: { type: 'string', choices: BACKENDS, placeholder: BACKENDS.join('|'), description: 'cg: tfjs backend (default auto)' },
  'test-n': { type: 'integer', placeholder: 'M', description: 'test images to score (default all 10,000)' },
  'compare-norms': { type: 'boolean', description: 'corruption p = 0, 0.25, 0.5, 0.75, 1: RKHS norm rises while training error stays 0' },
  ...commonFlags,
};

/** `rethink kernel`: minimum-norm kernel interpolation on MNIST (paper §5). */
export async function runKernel(argv: readonly string[], out: Output): Promise<number> {
  const flags = parseFlags(argv, kernelFlags, 'kernel');
  const seed = (flags.seed as number | undefined) ?? freshSeed();
  out.info(`seed: ${seed}`);
  const n = (flags.n as number | undefined) ?? 1000;
  const gamma = (flags.gamma as number | undefined) ?? 0.02;
  if (!(gamma > 0)) throw new InputError(`--gamma ${gamma}: γ must be positive`);
  const kernel: Kernel = flags.kernel === 'polynomial' ? { kind: 'polynomial', degree: (flags.degree as number | undefined) ?? 3 } : { kind: 'gaussian', gamma };
  const requested = (flags.solver as string | undefined) ?? 'auto';
  const solver: 'cholesky' | 'cg' = requested === 'auto' ? (n <= 2000 ? 'cholesky' : 'cg') : (requested as 'cholesky' | 'cg');
  const tol = (flags.tol as number | undefined) ?? 0.1;
  if (!(tol > 0 && tol < 1)) throw new InputError(`--tol ${tol}: the relative residual tolerance must be in (0, 1)`);
  // tfjs loads only when the engine is used.
  const engine = solver === 'cg' ? await import('../implicit/kernel-fast.js') : null;
  const backend = solver === 'cg' ? (await (await import('../engine/backend.js')).startBackend(((flags.backend as string | undefined) ?? 'auto') as BackendName)).name : null;
  const train = mnistMatrix('train', n, seed);
  const test = mnistMatrix('test', (flags['test-n'] as number | undefined) ?? 10000, seed);
  const Xtr = scaleMatrix(train.X, 1 / 255);
  const Xte = scaleMatrix(test.X, 1 / 255);
  const run = async (p: number) => {
    const labels = Float64Array.from(corruptLabels(train.labels, p, 10, seed).labels); // p = 0 keeps every label
    if (engine !== null) {
      // The test kernel is computed on the second core while this one builds K and solves.
      const t = performance.now();
      const f = await engine.kernelInterpolateFast(Float32Array.from(Xtr.data), labels, Xtr.rows, Xtr.cols, { kernel, tol, test: { Z: Float32Array.from(Xte.data), m: Xte.rows } });
      f.dispose();
      const yHat = f.testPredictions as Int32Array;
      let wrong = 0;
      for (let r = 0; r < Xte.rows; r++) if (yHat[r] !== test.labels[r]) wrong++;
      const totalMs = Math.round(performance.now() - t);
      return { p, n, testError: wrong / Xte.rows, trainError: f.trainError, rkhsNorm: f.rkhsNorm, solveMs: Math.round(f.solveMs), predictMs: totalMs - Math.round(f.solveMs), totalMs, peakBytes: f.peakBytes, iterations: f.iterations, relativeResidual: f.relativeResidual };
    }
    const f = kernelInterpolate(Xtr, labels, { kernel, solver });
    const yHat = f.predict(Xte);
    let wrong = 0;
    for (let r = 0; r < Xte.rows; r++) {
      let best = 0;
      for (let c = 1; c < f.k; c++) if ((yHat[r * f.k + c] as number) > (yHat[r * f.k + best] as number)) best = c;
      if (best !== test.labels[r]) wrong++;
    }
    return { p, n, testError: wrong / Xte.rows, trainError: f.trainError, rkhsNorm: f.rkhsNorm, solveMs: Math.round(f.solveMs), peakBytes: f.peakBytes };
  };
  type Row = Awaited<ReturnType<typeof run>>;
  if (flags['compare-norms'] === true) {
    const rows: Row[] = [];
    for (const p of [0, 0.25, 0.5, 0.75, 1]) rows.push(await run(p));
    if (flags.json === true) out.json({ compare: rows, seed });
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
  const r: Row = await run(flags.labels === 'random' ? 1 : 0);
  const report = { ...r, seed, kernel, solver, backend };
  if (flags.json === true) out.json(report);
  else {
    out.table(
      formatTable([
        ['training images', String(n)],
        ['kernel', kernel.kind === 'gaussian' ? `exp(−${gamma}‖x − x′‖²)` : `(⟨x, x′⟩ + 1)^${kernel.degree}`],
        ['solver', solver === 'cg' && 'iterations' in r ? `cg on ${backend}: ${r.iterations} iterations, relative residual ${(r.relativeResidual ?? NaN).toExponential(2)} (float32)` : solver],
        ['training error', String(r.trainError)],
        [`test error (${Xte.rows} MNIST test images)`, `${(r.testError * 100).toFixed(2)}%`],
        ['RKHS norm', r.rkhsNorm.toFixed(3)],
        ['solve time', `${r.solveMs} ms (kernel + solve)${'predictMs' in r ? `; test prediction (its kernel on the second core, in parallel) +${r.predictMs} ms; total ${r.totalMs} ms` : ''}`],
        ['planned memory', `${(r.peakBytes / 2 ** 20).toFixed(0)} MiB`],
        ['seed', String(seed)],
      ]),
    );
  }
  return 0;
}
