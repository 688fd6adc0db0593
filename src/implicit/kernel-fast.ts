/**
 * Minimum-norm kernel interpolation at full scale (paper §5, Eq. 3): K α = Y for all n training points
 * with no regularization, by preconditioned conjugate gradients from α = 0.
 *
 * - K is float32, stored in blocks of rows of shared memory outside the engine's WebAssembly heap
 *   (see kernel-blocks.ts), built from X·Xᵀ tiles on the tfjs engine and multiplied block by block on
 *   the engine; a job of the worker pool with its own engine takes its share of the work (kernel-jobs.ts),
 *   so both cores are busy.
 * - The iteration vectors (α, residual R, search direction P) are float64; the products K·P are float32
 *   with float32 accumulation on the engine.
 * - Preconditioner: M = I − U_q D U_qᵀ from the top q eigenpairs of a Nyström approximation on s
 *   seeded landmarks (nystrom.ts; EigenPro, Ma & Belkin 2017; FALKON, Rudi et al. 2017).
 *
 * Why the preconditioned iteration from α = 0 still gives the minimum-norm interpolant:
 *
 * 1. Any f in the RKHS H with f(x_i) = y_i splits as f = f_∥ + f_⊥, f_∥ in span{k(x_i, ·)} and f_⊥
 *    orthogonal to it; f_⊥(x_i) = ⟨f_⊥, k(x_i, ·)⟩ = 0, so f_∥ interpolates too and
 *    ‖f‖² = ‖f_∥‖² + ‖f_⊥‖²: the minimum-norm interpolant is f = Σ α_i k(x_i, ·) with K α = Y, and
 *    ‖f‖²_H = αᵀKα = Yᵀα.
 * 2. When K is non-singular that α = K⁻¹Y is unique, and conjugate gradients with ANY symmetric
 *    positive-definite preconditioner converge to it (in exact arithmetic in at most n steps): M
 *    changes the path and its speed, not the limit. M here is SPD by construction (its eigenvalues lie
 *    in [τ, 1], see nystrom.ts), so the limit is K⁻¹Y.
 * 3. When K is singular (duplicate points) and Y is in its range, the solutions form α* + null(K), and
 *    all of them give the same function (‖Σ v_i k(x_i, ·)‖² = vᵀKv = 0 for v in null(K)). Starting from
 *    α = 0 also picks the minimum-ℓ2 coefficients K⁺Y: the iterates lie in M·Krylov(KM, Y), U_q's
 *    columns are combinations of K's columns (U = K[:, S]·L⁻ᵀ·V·Λ̂^{−1/2}), so M maps range(K) into
 *    itself and every iterate stays in range(K).
 * 4. When K is only numerically singular (eigenvalues at the level of its float32 rounding, about
 *    10⁻⁷·λ_max), the components of Y along those directions are not determined by the stored K:
 *    conjugate gradients from 0 build them up last (Krylov order), and stopping at a relative residual
 *    tol leaves them out — the computed α is the minimum-norm interpolant of the data up to a residual
 *    tol, spectral filtering in effect. If pᵀKp ≤ 0 is met (K indefinite in float32) the solve stops with
 *    an error naming the remedy. A float64 recomputation of the residual on a seeded sample of rows
 *    checks that the float32 products measured the residual faithfully.
 */
import { freemem } from 'node:os';
import { InputError, InterruptedError } from '../errors.js';
import type { Kernel } from '../kernels/gram.js';
import { Rng } from '../random/rng.js';
import { bytesSha256, readKernelCheckpoint, writeKernelCheckpoint, type KernelRunIdentity, type KernelSolveState } from './kernel-checkpoint.js';
import {
  allocateKernelData,
  blockRowsFor,
  KERNEL_SHARE_JOB,
  kernelRow,
  KernelEngine,
  KernelThreads,
  taskItems,
  type KernelJobName,
  type KernelTask,
  type KernelThreadItems,
} from './kernel-blocks.js';
import { WorkerPool } from '../workers/pool.js';
import { nystromPreconditioner, type NystromPreconditioner } from './nystrom.js';
import { bytesText } from './kernel.js';

/** The Nyström preconditioner's size: s landmarks, rank q (q < s). */
export interface PreconditionerSize {
  readonly s: number;
  readonly q: number;
}

/** Default landmarks and rank at n points (see {@link defaultPreconditioner}). */
export const DEFAULT_LANDMARKS = 1000;

/**
 * The default preconditioner at n points: s = min(1000, ⌈n/4⌉) landmarks and every eigenpair of
 * their Nyström approximation but the last, q = s − 1 (the last one's eigenvalue is the floor).
 * Measured with numpy on 16,000 MNIST images (γ = 0.02, tol 0.01): s = q = 1000 needs 49 iterations,
 * s = 4000 with q = 1000 needs 43, q = 2000 needs 29, plain CG 708; s is kept at 1000 because the
 * eigendecomposition of the s × s matrix runs in JavaScript (O(s³)).
 *
 * @example
 * defaultPreconditioner(60000); // { s: 1000, q: 999 }
 */
export function defaultPreconditioner(n: number): PreconditionerSize {
  const s = Math.max(2, Math.min(DEFAULT_LANDMARKS, Math.ceil(n / 4), n));
  return { s, q: s - 1 };
}

/** Where a long solve stands, for a progress display. */
export interface KernelProgress {
  readonly phase: 'kernel' | 'preconditioner' | 'solve' | 'check' | 'predict';
  /** work done and total in this phase: tiles of K, iterations, blocks of test points */
  readonly done: number;
  readonly total: number;
  /** solve: the largest relative residual ‖y_c − Kα_c‖/‖y_c‖ over the columns, and the target */
  readonly relativeResidual?: number;
  readonly tol?: number;
  /** time in this phase, and an estimate of what is left of it (null: not yet known) */
  readonly elapsedMs: number;
  readonly etaMs: number | null;
}

/** Options of {@link kernelInterpolateFast}. */
export interface FastKernelOptions {
  readonly kernel: Kernel;
  /**
   * stop when every column's relative residual ‖y_c − Kα_c‖/‖y_c‖ ≤ tol (default 0.1: at n = 60,000
   * the residual first reaches 0.1 at iteration 33, stays below it from iteration 55 on, and falls by
   * only ×1.15 in the next 20)
   */
  readonly tol?: number;
  /** iteration cap (default 1000) */
  readonly maxIterations?: number;
  /** bytes the solve may use (default: the available memory less 512 MiB) */
  readonly memoryBudget?: number;
  /** test points (m, d): scored with the interpolant on both threads; argmax in `testPredictions` */
  readonly test?: { readonly Z: Float32Array; readonly m: number };
  /** Nyström landmarks and rank (default {@link defaultPreconditioner}); null: plain conjugate gradients */
  readonly preconditioner?: PreconditionerSize | null;
  /** seed of the landmarks and of the rows of the float64 residual check (default 1) */
  readonly seed?: number;
  /** rows of the float64 residual check (default min(n, 256)) */
  readonly checkRows?: number;
  /** a directory: the iteration is checkpointed there after every step and resumed from there */
  readonly checkpoint?: string;
  /** when aborted, the solve stops at the next block or iteration with an InterruptedError */
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: KernelProgress) => void;
  /**
   * the worker pool whose thread takes the second share of the work (one of its threads is busy for
   * the whole solve; the caller closes it); default: a pool of one thread, closed after the solve
   */
  readonly pool?: WorkerPool;
  /** the worker side's job (default the solver's own, implicit/kernel-jobs.js; tests inject failing ones) */
  readonly workerJob?: KernelJobName;
}

/** The float64 recomputation of the residual on a seeded sample of rows. */
export interface ResidualCheck {
  readonly rows: number;
  readonly seed: number;
  /** √(Σ‖y_i − f(x_i)‖² / Σ‖y_i‖²) over the sampled rows, kernel and products in float64 */
  readonly float64RelativeResidual: number;
  /** the same from the engine's float32 K·α */
  readonly float32RelativeResidual: number;
  /** max |y_ic − f(x_i)_c| difference between the two, over the rows and columns */
  readonly maxAbsDifference: number;
  /** training error on the sampled rows from the float64 residual */
  readonly float64TrainError: number;
}

/** One set of labels' interpolant. */
export interface LabelSetResult {
  /** √(αᵀKα) over this set's columns: ‖f‖_H of the computed α */
  readonly rkhsNorm: number;
  readonly trainError: number;
  /** max over this set's columns of ‖y_c − Kα_c‖/‖y_c‖, from an explicit K·α */
  readonly relativeResidual: number;
  /** argmax class at the `test` points (null without them) */
  readonly testPredictions: Int32Array | null;
  readonly residualCheck: ResidualCheck;
}

/** The fitted interpolant(s) and how the solve went. */
export interface FastKernelInterpolant {
  readonly n: number;
  /** classes per label set */
  readonly k: number;
  /** α, (n, k·sets) float64: the columns of set j are j·k … (j + 1)·k − 1 */
  readonly alpha: Float64Array;
  /** ‖f‖_H of the first label set */
  readonly rkhsNorm: number;
  /** training error of the first label set (0: interpolated) */
  readonly trainError: number;
  readonly iterations: number;
  /** max relative residual over all columns, from an explicit K·α */
  readonly relativeResidual: number;
  /** first label set's test predictions (null without test points) */
  readonly testPredictions: Int32Array | null;
  readonly residualCheck: ResidualCheck;
  /** one entry per label set */
  readonly sets: readonly LabelSetResult[];
  readonly preconditioner: Omit<NystromPreconditioner, 'apply' | 'dispose' | 'fingerprint'> | null;
  /** iteration the solve resumed from (null: started from α = 0) */
  readonly resumedFrom: number | null;
  /** restarts of the iteration from the true residual (when the recursive one had drifted) */
  readonly restarts: number;
  /** kernel build, preconditioner, iterations (with the final product), test scores, float64 check */
  readonly timings: { readonly kernelMs: number; readonly preconditionerMs: number; readonly iterateMs: number; readonly predictMs: number; readonly checkMs: number };
  /** kernel + preconditioner + iterations */
  readonly solveMs: number;
  /** the work items (tiles, blocks of rows, blocks of test points) each thread took over the solve */
  readonly threadItems: KernelThreadItems;
  /** the memory plan */
  readonly peakBytes: number;
  /** the process's peak resident memory so far (resourceUsage maxRSS), measured at the end */
  readonly peakRssBytes: number;
  /** argmax class of the first label set's interpolant at m new points (m, d) */
  predict(Z: Float32Array, m: number): Promise<Int32Array>;
  /** frees the engine's tensors */
  dispose(): void;
}

/** Bytes the solve plans for at n points (and m test points, s landmarks, rank q, k right-hand sides). */
export function fastKernelBytes(n: number, d: number, testM = 0, size: PreconditionerSize | null = defaultPreconditioner(n), k = 10): number {
  const B = blockRowsFor(n);
  const gram = 4 * n * n; // K, shared
  const shared = 4 * n * d + 8 * n + 8 * n * k + testM * (4 * d + 4 * k);
  // per thread: X's row and column tiles, a block of K for its product, a tile, a test row block
  const engine = 2 * (8 * n * d + 8 * B * n + 16 * B * B + 8 * 250 * n + 4 * testM * d);
  const cg = 8 * 8 * n * k;
  const s = size?.s ?? 0;
  const q = size?.q ?? 0;
  // rows of K at the landmarks in JS and on the engine, Bᵀ, U and Uᵀ; W, its factor, BᵀB and V in float64
  const nystrom = 4 * n * (3 * s + 2 * q) + 8 * 4 * s * s;
  return gram + shared + engine + cg + nystrom + 256 * 2 ** 20; // + the runtime itself
}

/** The largest n whose plan fits the budget (with the default preconditioner at that n). */
export function largestFastN(budget: number, d: number, testM = 0, size?: PreconditionerSize | null): number {
  let lo = 1;
  let hi = 1 << 22;
  const bytes = (n: number): number => fastKernelBytes(n, d, testM, size === undefined ? defaultPreconditioner(n) : size === null ? null : { s: Math.min(size.s, n), q: Math.min(size.q, n - 1) });
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (bytes(mid) <= budget) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The default memory budget: the available memory (MemAvailable on Linux) less 512 MiB. */
export function defaultMemoryBudget(): number {
  return Math.max(0, freemem() - 512 * 2 ** 20);
}

const gib = bytesText;

/**
 * Refuses a solve that would not fit, before any data is touched: K (4n² bytes, float32), X, the
 * engines' tiles, the preconditioner and the iteration vectors must fit the memory budget (default:
 * the available memory less 512 MiB). The message gives the largest n that fits.
 *
 * @returns the planned peak bytes
 * @example
 * checkFastKernelPlan(60000, 784, 10000); // ≈ 1.6e10; throws where less is available
 */
export function checkFastKernelPlan(n: number, d: number, testM: number | null, memoryBudget?: number, size?: PreconditionerSize | null): number {
  const budget = memoryBudget ?? defaultMemoryBudget();
  const chosen = size === undefined ? defaultPreconditioner(n) : size;
  const peakBytes = fastKernelBytes(n, d, testM ?? 0, chosen);
  if (peakBytes > budget) {
    throw new InputError(
      `kernel: n = ${n} needs ${gib(peakBytes)} of memory (K alone ${gib(4 * n * n)} in float32) but ${gib(budget)} ${memoryBudget === undefined ? 'are available (free memory less 0.5 GiB)' : 'were allowed'}; ` +
        `the largest n that fits is ${largestFastN(budget, d, testM ?? 0, size)}`,
    );
  }
  return peakBytes;
}

/** Column dot products Σ_i a_ic·b_ic of two (n, k) arrays. */
function columnDots(a: Float64Array, b: ArrayLike<number>, n: number, k: number): Float64Array {
  const out = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) out[c] = (out[c] as number) + (a[i * k + c] as number) * (b[i * k + c] as number);
  return out;
}

/** max_c ‖r_c‖/‖y_c‖ over a range of columns. */
function maxRelative(rr: Float64Array, yy: Float64Array, c0 = 0, c1 = rr.length): number {
  let worst = 0;
  for (let c = c0; c < c1; c++) worst = Math.max(worst, Math.sqrt((rr[c] as number) / (yy[c] as number)));
  return worst;
}

/**
 * Residual rate → estimated time left: the slope of log residual over the last (up to 20) iterations
 * by least squares (a CG residual is not monotone), and their mean duration. Null until two
 * iterations are known or while the residual does not fall.
 */
export function estimateSolveMs(history: readonly number[], times: readonly number[], tol: number): number | null {
  const t = history.length;
  const w = Math.min(20, t - 1, times.length - 1); // iterations in the window
  if (w < 1) return null;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i <= w; i++) {
    const y = Math.log(history[t - 1 - w + i] as number);
    sx += i;
    sy += y;
    sxx += i * i;
    sxy += i * y;
  }
  const m = w + 1;
  const rate = -(m * sxy - sx * sy) / (m * sxx - sx * sx); // decrease of log residual per iteration
  if (!(rate > 0)) return null;
  const left = Math.max(0, Math.ceil(Math.log((history[t - 1] as number) / tol) / rate - 1e-9));
  const perIteration = ((times[times.length - 1] as number) - (times[times.length - 1 - w] as number)) / w;
  return left * perIteration;
}

/**
 * Solves K α = Y (one-hot labels) by preconditioned conjugate gradients on the tfjs engine; see the
 * module comment. The backend must be started ({@link startBackend}); the worker's job always runs
 * wasm. Several label sets share one K and one iteration (`kernelInterpolateFastSets`).
 *
 * @param X training points, row-major (n, d) float32 (MNIST: pixels / 255)
 * @param labels class indices 0 … k−1
 * @param options kernel, tolerance, preconditioner, checkpoint, progress, signal, the worker pool
 * @throws InputError when the plan does not fit (with the largest n that does), for γ ≤ 0, NaN data,
 *   a checkpoint from another run, or a system that is not positive definite in float32;
 *   InterruptedError when the signal is aborted (the checkpoint, if any, holds the last iterate);
 *   the worker's error (`kernel worker: …`) as soon as its job fails
 * @example
 * const f = await kernelInterpolateFast(X, labels, n, 784, { kernel: { kind: 'gaussian', gamma: 0.02 }, test: { Z, m: 10000 } });
 * f.trainError; // 0
 */
export async function kernelInterpolateFast(X: Float32Array, labels: ArrayLike<number>, n: number, d: number, options: FastKernelOptions): Promise<FastKernelInterpolant> {
  return kernelInterpolateFastSets(X, [labels], n, d, options);
}

/**
 * {@link kernelInterpolateFast} for several label sets on the same points (e.g. true and random
 * labels): one K, one preconditioner, and one iteration over all their columns; `sets[j]` reports set j.
 *
 * @example
 * const f = await kernelInterpolateFastSets(X, [trueLabels, randomLabels], n, 784, { kernel });
 * f.sets[1].rkhsNorm / f.sets[0].rkhsNorm;
 */
export async function kernelInterpolateFastSets(X: Float32Array, labelSets: readonly ArrayLike<number>[], n: number, d: number, options: FastKernelOptions): Promise<FastKernelInterpolant> {
  const { kernel } = options;
  if (kernel.kind === 'gaussian' && !(kernel.gamma > 0)) throw new InputError(`kernel: γ must be positive, got ${kernel.gamma}`);
  if (X.length !== n * d) throw new InputError(`kernel: X has ${X.length} values, expected n·d = ${n}·${d}`);
  if (labelSets.length < 1) throw new InputError('kernel: no label set given');
  for (const labels of labelSets) if (labels.length !== n) throw new InputError(`kernel: ${labels.length} labels for ${n} points`);
  for (let t = 0; t < X.length; t++) if (!Number.isFinite(X[t] as number)) throw new InputError(`kernel: X[${Math.floor(t / d)}][${t % d}] is ${X[t]}; the data must be finite`);
  if (options.test !== undefined && options.test.Z.length !== options.test.m * d) {
    throw new InputError(`kernel: test points have ${options.test.Z.length} values, expected ${options.test.m}·${d}`);
  }
  const size = options.preconditioner === undefined ? defaultPreconditioner(n) : options.preconditioner;
  if (size !== null && !(Number.isInteger(size.s) && Number.isInteger(size.q) && size.s >= 2 && size.s <= n && size.q >= 1 && size.q < size.s)) {
    throw new InputError(`kernel: preconditioner with s = ${size.s} landmarks and rank q = ${size.q} at n = ${n}: need 2 ≤ s ≤ n and 1 ≤ q < s`);
  }
  let k = 0;
  for (const labels of labelSets) {
    for (let i = 0; i < n; i++) {
      const c = labels[i] as number;
      if (!Number.isInteger(c) || c < 0) throw new InputError(`kernel: labels[${i}] = ${c} is not a class index`);
      k = Math.max(k, c + 1);
    }
  }
  const sets = labelSets.length;
  const K_ = k * sets; // columns of the iteration
  const peakBytes = checkFastKernelPlan(n, d, options.test?.m ?? null, options.memoryBudget, size);
  const tol = options.tol ?? 0.1;
  const maxIterations = options.maxIterations ?? 1000;
  const seed = options.seed ?? 1;
  const Y = new Float64Array(n * K_); // (n, k·sets), one-hot per set
  for (let j = 0; j < sets; j++) for (let i = 0; i < n; i++) Y[i * K_ + j * k + ((labelSets[j] as ArrayLike<number>)[i] as number)] = 1;
  const identity: KernelRunIdentity = { n, d, k: K_, kernel, seed, s: size?.s ?? 0, q: size?.q ?? 0, dataSha256: bytesSha256(X), labelsSha256: bytesSha256(Y) };
  const stored = options.checkpoint === undefined ? null : readKernelCheckpoint(options.checkpoint, identity);
  const progress = options.onProgress ?? (() => undefined);
  const signal = options.signal;
  const aborted = (): boolean => signal?.aborted === true; // a function: TypeScript would narrow a property read

  const shared = allocateKernelData(X, n, d, K_, kernel, options.test === undefined ? null : options.test);
  // Two engines of one thread each (this thread's and the worker's) share the tiles: before any tensor, as it throws when dist/ is not built.
  const pool = options.pool ?? new WorkerPool({ threads: 1, wasmThreads: 1 });
  let engine: KernelEngine;
  try {
    engine = KernelEngine.start(shared);
  } catch (err) {
    if (options.pool === undefined) await pool.close();
    throw err;
  }
  const threads = KernelThreads.start(pool, engine, options.workerJob ?? KERNEL_SHARE_JOB);
  let M: NystromPreconditioner | null = null;
  const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  // Runs one phase on both threads; progress after each of this thread's items; a stop on abort.
  const runTask = async (task: KernelTask, phase: KernelProgress['phase']): Promise<void> => {
    const total = taskItems(shared, task);
    const t = performance.now();
    const afterItem = async (): Promise<void> => {
      await yieldTurn();
      if (aborted()) threads.stop();
      if (phase !== 'solve') {
        const done = threads.done;
        const elapsedMs = performance.now() - t;
        progress({ phase, done, total, elapsedMs, etaMs: done > 0 ? (elapsedMs / done) * (total - done) : null });
      }
    };
    await threads.run(task, afterItem);
  };
  let iterationsDone = 0; // for an InterruptedError raised inside a product
  const product = async (V: Float64Array): Promise<Float64Array> => {
    new Float32Array(shared.vector).set(V);
    await runTask('product', 'solve');
    if (aborted()) throw new InterruptedError(iterationsDone);
    return Float64Array.from(new Float32Array(shared.product));
  };
  let closed = false;
  try {
    // 1. K, tile by tile on both threads.
    const tKernel = performance.now();
    await runTask('gram', 'kernel');
    if (aborted()) throw new InterruptedError(stored?.iteration ?? 0);
    const kernelMs = performance.now() - tKernel;
    // 2. The preconditioner.
    const tPre = performance.now();
    if (size !== null) {
      progress({ phase: 'preconditioner', done: 0, total: 1, elapsedMs: 0, etaMs: null });
      M = await nystromPreconditioner((i) => kernelRow(shared, i), n, K_, { s: size.s, q: size.q, seed });
      progress({ phase: 'preconditioner', done: 1, total: 1, elapsedMs: performance.now() - tPre, etaMs: 0 });
    }
    const preconditionerMs = performance.now() - tPre;
    const precondition = async (R: Float64Array): Promise<Float64Array> => (M === null ? R.slice() : M.apply(R));
    // 3. Conjugate gradients from α = 0 (or from the checkpoint).
    const tIterate = performance.now();
    const yy = columnDots(Y, Y, n, K_);
    let A: Float64Array;
    let R: Float64Array;
    let P: Float64Array;
    let rz: Float64Array;
    let iteration = 0;
    const history: number[] = [];
    let resumedFrom: number | null = null;
    const fingerprint = M?.fingerprint ?? null;
    if (stored !== null && stored.preconditioner === fingerprint) {
      ({ alpha: A, R, P } = stored);
      rz = Float64Array.from(stored.rz);
      iteration = stored.iteration;
      iterationsDone = iteration;
      history.push(...stored.history);
      resumedFrom = iteration;
    } else if (stored !== null) {
      // Another preconditioner (another machine or backend): restart from the stored α.
      A = stored.alpha;
      iteration = stored.iteration;
      iterationsDone = iteration;
      history.push(...stored.history);
      resumedFrom = iteration;
      const KA = await product(A);
      R = Float64Array.from(Y, (y, t) => y - (KA[t] as number));
      const Z = await precondition(R);
      P = Z;
      rz = columnDots(R, Z, n, K_);
    } else {
      A = new Float64Array(n * K_);
      R = Y.slice();
      const Z = await precondition(R);
      P = Z;
      rz = columnDots(R, Z, n, K_);
    }
    const times: number[] = [performance.now()];
    let restarts = 0;
    let relative = history.length > 0 ? (history[history.length - 1] as number) : 1;
    let KA: Float64Array;
    for (;;) {
      while (relative > tol && iteration < maxIterations) {
        if (aborted()) throw new InterruptedError(iteration);
        const KP = await product(P);
        const pKp = columnDots(P, KP, n, K_);
        for (let c = 0; c < K_; c++) {
          if (!((pKp[c] as number) > 0) && (rz[c] as number) > 0) {
            throw new InputError(`kernel: the kernel matrix is not positive definite in float32 (CG met pᵀKp = ${(pKp[c] as number).toExponential(2)} ≤ 0 in column ${c} at iteration ${iteration + 1}) — use fewer points, a wider kernel (smaller γ), or remove duplicate points`);
          }
        }
        const a = Float64Array.from(rz, (v, c) => ((pKp[c] as number) > 0 ? v / (pKp[c] as number) : 0));
        for (let t = 0; t < n * K_; t++) {
          const c = t % K_;
          A[t] = (A[t] as number) + (a[c] as number) * (P[t] as number);
          R[t] = (R[t] as number) - (a[c] as number) * (KP[t] as number);
        }
        const Z = await precondition(R);
        const rzNew = columnDots(R, Z, n, K_);
        for (let t = 0; t < n * K_; t++) {
          const c = t % K_;
          const beta = (rz[c] as number) > 0 ? (rzNew[c] as number) / (rz[c] as number) : 0;
          P[t] = (Z[t] as number) + beta * (P[t] as number);
        }
        rz = rzNew;
        iteration++;
        iterationsDone = iteration;
        relative = maxRelative(columnDots(R, R, n, K_), yy);
        history.push(relative);
        times.push(performance.now());
        if (options.checkpoint !== undefined) writeKernelCheckpoint(options.checkpoint, identity, { iteration, rz: Array.from(rz), history, preconditioner: fingerprint, alpha: A, R, P });
        progress({ phase: 'solve', done: iteration, total: maxIterations, relativeResidual: relative, tol, elapsedMs: performance.now() - tIterate, etaMs: estimateSolveMs(history, times, tol) });
        await yieldTurn();
      }
      // The recursive residual can drift from Y − Kα: compute the true one.
      KA = await product(A);
      const trueR = Float64Array.from(Y, (y, t) => y - (KA[t] as number));
      const trueRelative = maxRelative(columnDots(trueR, trueR, n, K_), yy);
      if (trueRelative <= tol || iteration >= maxIterations || restarts >= 3) {
        relative = trueRelative;
        break;
      }
      // Restart from the true residual (the iterate is kept).
      restarts++;
      R = trueR;
      relative = trueRelative;
      P = await precondition(R);
      rz = columnDots(R, P, n, K_);
    }
    const iterateMs = performance.now() - tIterate;
    // 4. Test scores on both threads (α as the right-hand factor).
    const tPredict = performance.now();
    let scores: Float32Array | null = null;
    if (shared.test !== null) {
      new Float32Array(shared.vector).set(A);
      await runTask('predict', 'predict');
      if (aborted()) throw new InterruptedError(iteration);
      scores = new Float32Array(shared.test.scores);
    }
    const predictMs = performance.now() - tPredict;
    // 5. The float64 check of the residual on a seeded sample of rows.
    const tCheck = performance.now();
    const checkRows = Math.min(n, options.checkRows ?? 256);
    const rows = Int32Array.from(new Rng(seed).fork('residual-check').shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, checkRows)).sort();
    const f64 = float64Rows(X, n, d, kernel, A, K_, rows);
    const checkMs = performance.now() - tCheck;
    const setResults: LabelSetResult[] = [];
    for (let j = 0; j < sets; j++) {
      const labels = labelSets[j] as ArrayLike<number>;
      const c0 = j * k;
      let norm2 = 0;
      let wrong = 0;
      for (let i = 0; i < n; i++) {
        let best = 0;
        for (let c = 0; c < k; c++) {
          norm2 += (A[i * K_ + c0 + c] as number) * (KA[i * K_ + c0 + c] as number);
          if ((KA[i * K_ + c0 + c] as number) > (KA[i * K_ + c0 + best] as number)) best = c;
        }
        if (best !== labels[i]) wrong++;
      }
      const rr = new Float64Array(K_);
      for (let t = 0; t < n * K_; t++) rr[t % K_] = (rr[t % K_] as number) + ((Y[t] as number) - (KA[t] as number)) ** 2;
      let testPredictions: Int32Array | null = null;
      if (scores !== null && options.test !== undefined) {
        testPredictions = new Int32Array(options.test.m);
        for (let r = 0; r < options.test.m; r++) {
          let best = 0;
          for (let c = 1; c < k; c++) if ((scores[r * K_ + c0 + c] as number) > (scores[r * K_ + c0 + best] as number)) best = c;
          testPredictions[r] = best;
        }
      }
      setResults.push({
        rkhsNorm: Math.sqrt(Math.max(norm2, 0)),
        trainError: wrong / n,
        relativeResidual: maxRelative(rr, yy, c0, c0 + k),
        testPredictions,
        residualCheck: residualCheck(f64, KA, Y, K_, c0, k, rows, labels, seed),
      });
    }
    const first = setResults[0] as LabelSetResult;
    closed = true;
    const threadItems = await threads.close();
    const keep = M;
    M = null;
    const predictEngine = engine;
    return {
      n,
      k,
      alpha: A,
      rkhsNorm: first.rkhsNorm,
      trainError: first.trainError,
      iterations: iteration,
      relativeResidual: relative,
      testPredictions: first.testPredictions,
      residualCheck: first.residualCheck,
      sets: setResults,
      preconditioner:
        keep === null
          ? null
          : { s: keep.s, q: keep.q, lambdaMax: keep.lambdaMax, lambdaFloor: keep.lambdaFloor, orthogonalityError: keep.orthogonalityError, minEigenvalue: keep.minEigenvalue, shift: keep.shift, ms: keep.ms },
      resumedFrom,
      restarts,
      threadItems,
      timings: { kernelMs, preconditionerMs, iterateMs, predictMs, checkMs },
      solveMs: kernelMs + preconditionerMs + iterateMs,
      peakBytes,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      async predict(Z: Float32Array, m: number): Promise<Int32Array> {
        if (Z.length !== m * d) throw new InputError(`kernel: test points have ${Z.length} values, expected ${m}·${d}`);
        const scored = await predictEngine.scores(Z, m, A, K_);
        const out = new Int32Array(m);
        for (let r = 0; r < m; r++) {
          let best = 0;
          for (let c = 1; c < k; c++) if ((scored[r * K_ + c] as number) > (scored[r * K_ + best] as number)) best = c;
          out[r] = best;
        }
        return out;
      },
      dispose(): void {
        keep?.dispose();
        predictEngine.dispose();
      },
    };
  } catch (err) {
    M?.dispose();
    engine.dispose();
    // The worker's job ends after its item in hand (its own error, if any, is the one thrown here).
    if (!closed) await threads.close().catch(() => undefined);
    throw err;
  } finally {
    if (options.pool === undefined) await pool.close();
  }
}

/** f(x_i) = Σ_j k(x_i, x_j) α_j for the given rows, with the kernel and the sums in float64. */
function float64Rows(X: Float32Array, n: number, d: number, kernel: Kernel, A: Float64Array, K_: number, rows: Int32Array): Float64Array {
  const sq = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let t = 0; t < d; t++) s += (X[j * d + t] as number) ** 2;
    sq[j] = s;
  }
  const out = new Float64Array(rows.length * K_);
  const nz: number[] = [];
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r] as number;
    nz.length = 0;
    for (let t = 0; t < d; t++) if (X[i * d + t] !== 0) nz.push(t);
    const acc = new Float64Array(K_);
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (const t of nz) dot += (X[i * d + t] as number) * (X[j * d + t] as number);
      const kv = kernel.kind === 'gaussian' ? Math.exp(-kernel.gamma * Math.max((sq[i] as number) + (sq[j] as number) - 2 * dot, 0)) : (dot + (kernel.c ?? 1)) ** kernel.degree;
      for (let c = 0; c < K_; c++) acc[c] = (acc[c] as number) + kv * (A[j * K_ + c] as number);
    }
    out.set(acc, r * K_);
  }
  return out;
}

function residualCheck(f64: Float64Array, KA: Float64Array, Y: Float64Array, K_: number, c0: number, k: number, rows: Int32Array, labels: ArrayLike<number>, seed: number): ResidualCheck {
  let r64 = 0;
  let r32 = 0;
  let y2 = 0;
  let maxAbsDifference = 0;
  let wrong = 0;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r] as number;
    let best = 0;
    for (let c = 0; c < k; c++) {
      const y = Y[i * K_ + c0 + c] as number;
      const v64 = f64[r * K_ + c0 + c] as number;
      const v32 = KA[i * K_ + c0 + c] as number;
      r64 += (y - v64) ** 2;
      r32 += (y - v32) ** 2;
      y2 += y * y;
      maxAbsDifference = Math.max(maxAbsDifference, Math.abs(v64 - v32));
      if (v64 > (f64[r * K_ + c0 + best] as number)) best = c;
    }
    if (best !== labels[i]) wrong++;
  }
  return {
    rows: rows.length,
    seed,
    float64RelativeResidual: Math.sqrt(r64 / y2),
    float32RelativeResidual: Math.sqrt(r32 / y2),
    maxAbsDifference,
    float64TrainError: wrong / rows.length,
  };
}
