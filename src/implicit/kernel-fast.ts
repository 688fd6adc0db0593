/**
 * Minimum-norm kernel interpolation at scale (paper §5, Eq. 3) on the training engine: the Gram
 * matrix from tfjs matrix products (X·Xᵀ in blocks of rows, kernel applied in JavaScript), stored
 * once in float32, and conjugate gradients from α = 0 on K α = Y for all k one-hot columns at once
 * (each CG step is one (n, n)·(n, k) product on the engine).
 *
 * CG from zero stays in the Krylov space of Y and converges to K⁻¹Y, the minimum-norm interpolant; it
 * stops at a relative residual ‖Y − Kα‖/‖Y‖ ≤ tol (per column). Measured on 8,000 MNIST images
 * (γ = 0.02): relative residual 0.52 / 0.19 / 0.05 / 0.01 after 25 / 100 / 150 / 400 iterations,
 * train error 0 from 50 on, test error 2.97% / 2.90% / 2.91% / 2.91% — the same as numpy's exact
 * Cholesky (2.9%). The float32 system limits the attainable residual to about 1e−3.
 */
import * as tf from '@tensorflow/tfjs';
import { freemem } from 'node:os';
import { Worker } from 'node:worker_threads';
import { InputError } from '../errors.js';
import type { Kernel } from '../kernels/gram.js';

/** Options of {@link kernelInterpolateFast}. */
export interface FastKernelOptions {
  readonly kernel: Kernel;
  /** stop when every column's relative residual ‖y_c − Kα_c‖/‖y_c‖ ≤ tol (default 0.1) */
  readonly tol?: number;
  /** iteration cap (default 1000) */
  readonly maxIterations?: number;
  /** bytes the solve may use (default 70% of free memory) */
  readonly memoryBudget?: number;
  /**
   * test points (m, d): their kernel rows are computed on the second core (a worker thread) while
   * this thread builds K and solves; the argmax predictions come back as `testPredictions`
   */
  readonly test?: { readonly Z: Float32Array; readonly m: number };
}

/** The fitted interpolant and how the solve went. */
export interface FastKernelInterpolant {
  readonly n: number;
  readonly k: number;
  /** α, (n, k) float32 */
  readonly alpha: Float32Array;
  /** √(Σ_c y_cᵀ α_c) — ‖f‖_H of the computed α */
  readonly rkhsNorm: number;
  readonly trainError: number;
  readonly iterations: number;
  /** max over columns of ‖y_c − Kα_c‖/‖y_c‖ at the end */
  readonly relativeResidual: number;
  readonly solveMs: number;
  readonly peakBytes: number;
  /** argmax class at the `test` points given in the options (null without them) */
  readonly testPredictions: Int32Array | null;
  /** argmax class of f at m new points (m, d) */
  predict(Z: Float32Array, m: number): Promise<Int32Array>;
  /** frees the engine's copy of K */
  dispose(): void;
}

/** Rows per block of the Gram and prediction products. */
const BLOCK = 1000;

/** Bytes planned at n points: K in JavaScript and on the engine (float32), plus a block's products. */
export function fastKernelBytes(n: number, d: number): number {
  return 2 * 4 * n * n + 3 * 4 * BLOCK * n + 4 * n * d * 2;
}

/** The largest n whose plan fits the budget. */
export function largestFastN(budget: number, d: number): number {
  let lo = 1;
  let hi = 1 << 20;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fastKernelBytes(mid, d) <= budget) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** wasm32 heaps stop at 4 GiB; K plus a block must fit there. */
const ENGINE_HEAP_LIMIT = 3.5 * 2 ** 30;

function rowNorms(A: Float32Array, m: number, d: number): Float64Array {
  const s = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let a = 0;
    for (let j = 0; j < d; j++) a += (A[i * d + j] as number) ** 2;
    s[i] = a;
  }
  return s;
}

/**
 * Kernel rows k(z_r, x_j) for a block of points, from G = Z·Xᵀ on the engine: Gaussian
 * exp(−γ max(‖z‖² + ‖x‖² − 2⟨z, x⟩, 0)), polynomial (c + ⟨z, x⟩)^p.
 */
function applyKernel(G: Float32Array, rows: number, n: number, kernel: Kernel, sqZ: Float64Array, z0: number, sqX: Float64Array, out: Float32Array, o0: number): void {
  if (kernel.kind === 'gaussian') {
    const g = kernel.gamma;
    for (let r = 0; r < rows; r++) {
      const si = sqZ[z0 + r] as number;
      const base = r * n;
      const ob = o0 + r * n;
      for (let j = 0; j < n; j++) {
        const d2 = si + (sqX[j] as number) - 2 * (G[base + j] as number);
        out[ob + j] = Math.exp(-g * (d2 > 0 ? d2 : 0));
      }
    }
  } else {
    const c = kernel.c ?? 1;
    const p = kernel.degree;
    for (let t = 0; t < rows * n; t++) out[o0 + t] = ((G[t] as number) + c) ** p;
  }
}

/**
 * Kernel rows k(z_r, x_j) for all m points of Z against the n points of X, written into `out`
 * (m, n) — on whichever tfjs backend is current. Used for the test kernel, possibly in a worker.
 */
export async function kernelMatrixRows(Z: Float32Array, m: number, X: Float32Array, n: number, d: number, kernel: Kernel, out: Float32Array): Promise<void> {
  const sqX = rowNorms(X, n, d);
  const sqZ = rowNorms(Z, m, d);
  const Xt = tf.tidy(() => tf.transpose(tf.tensor2d(X, [n, d]))); // (d, n)
  for (let r0 = 0; r0 < m; r0 += BLOCK) {
    const rows = Math.min(BLOCK, m - r0);
    const G = tf.tidy(() => tf.matMul(tf.tensor2d(Z.subarray(r0 * d, (r0 + rows) * d), [rows, d]), Xt)); // (rows, n)
    const g = (await G.data()) as Float32Array; // data(), not dataSync(): webgpu reads asynchronously
    G.dispose();
    applyKernel(g, rows, n, kernel, sqZ, r0, sqX, out, r0 * n);
  }
  Xt.dispose();
}

/** The compiled module: workers run JavaScript, so a run from the TypeScript sources uses dist/. */
function compiled(relative: string): string {
  const here = new URL(relative, import.meta.url).href;
  return here.includes('/src/') ? here.replace('/src/', '/dist/') : here;
}

const TEST_KERNEL_WORKER = `
const { parentPort, workerData: w } = require('node:worker_threads');
(async () => {
  const { startBackend } = await import(w.backendUrl);
  const { kernelMatrixRows } = await import(w.moduleUrl);
  await startBackend('wasm');
  await kernelMatrixRows(new Float32Array(w.Z), w.m, new Float32Array(w.X), w.n, w.d, w.kernel, new Float32Array(w.out));
  parentPort.postMessage({ done: true });
})().catch((e) => parentPort.postMessage({ error: e && e.message ? e.message : String(e) }));
`;

/**
 * Starts the test kernel (m, n) on the second core, in a worker with its own wasm backend, writing
 * into shared memory; resolves when it is complete.
 */
function testKernelInWorker(Z: Float32Array, m: number, X: Float32Array, n: number, d: number, kernel: Kernel): { out: Float32Array; done: Promise<void> } {
  const share = (a: Float32Array): SharedArrayBuffer => {
    const b = new SharedArrayBuffer(a.byteLength);
    new Float32Array(b).set(a);
    return b;
  };
  const outBuffer = new SharedArrayBuffer(4 * m * n);
  const done = new Promise<void>((resolve, reject) => {
    const worker = new Worker(TEST_KERNEL_WORKER, {
      eval: true,
      workerData: { Z: share(Z), X: share(X), out: outBuffer, m, n, d, kernel, moduleUrl: compiled('./kernel-fast.js'), backendUrl: compiled('../engine/backend.js') },
    });
    worker.once('message', (msg: { done?: boolean; error?: string }) => {
      void worker.terminate();
      if (msg.done === true) resolve();
      else reject(new Error(`test kernel worker: ${msg.error ?? 'failed'}`));
    });
    worker.once('error', reject);
  });
  return { out: new Float32Array(outBuffer), done };
}

/**
 * Refuses a solve that would not fit, before any data is touched: K in float32 must fit the 4 GiB a
 * WebAssembly heap addresses, and K twice plus the test kernel and blocks must fit the memory budget
 * (default 70% of the free RAM). The message says which limit binds and the largest n that fits.
 *
 * @returns the planned peak bytes
 * @example
 * checkFastKernelPlan(8000, 784, 10000); // ≈ 1.1e9
 */
export function checkFastKernelPlan(n: number, d: number, testM: number | null, memoryBudget?: number): number {
  const budget = memoryBudget ?? 0.7 * freemem();
  const peakBytes = fastKernelBytes(n, d) + (testM === null ? 0 : 4 * testM * n + 4 * (testM + n) * d + 3 * 4 * BLOCK * n);
  const heapN = Math.floor(Math.sqrt(ENGINE_HEAP_LIMIT / 4));
  if (4 * n * n > ENGINE_HEAP_LIMIT) {
    throw new InputError(
      `kernel: n = ${n} needs a float32 K of ${((4 * n * n) / 2 ** 30).toFixed(2)} GiB, more than the ${(ENGINE_HEAP_LIMIT / 2 ** 30).toFixed(0)} GiB a WebAssembly heap can address; ` +
        `the largest n this solver takes is ${Math.min(heapN, largestFastN(budget, d))}`,
    );
  }
  if (peakBytes > budget) {
    throw new InputError(
      `kernel: n = ${n} needs ${(peakBytes / 2 ** 30).toFixed(2)} GiB of memory (K twice, the test kernel and blocks) but only ${(budget / 2 ** 30).toFixed(2)} GiB are free (70% of the free RAM); ` +
        `the largest n that fits is ${Math.min(heapN, largestFastN(budget, d))}`,
    );
  }
  return peakBytes;
}

/**
 * Solves K α = Y (one-hot labels) by conjugate gradients on the tfjs engine; see the module comment.
 * The backend must be started ({@link startBackend}); wasm and the native backend both work.
 *
 * @param X training points, row-major (n, d) float32 (MNIST: pixels / 255)
 * @param labels class indices 0 … k−1
 * @param options kernel, tolerance, iteration cap, memory budget
 * @throws InputError when the plan does not fit (with the largest n that does), for γ ≤ 0, NaN data
 *   or a singular/indefinite system (CG meets pᵀKp ≤ 0)
 * @example
 * const f = await kernelInterpolateFast(X, labels, n, 784, { kernel: { kind: 'gaussian', gamma: 0.02 } });
 * const yHat = await f.predict(Xtest, 10000);
 */
export async function kernelInterpolateFast(X: Float32Array, labels: ArrayLike<number>, n: number, d: number, options: FastKernelOptions): Promise<FastKernelInterpolant> {
  const { kernel } = options;
  if (kernel.kind === 'gaussian' && !(kernel.gamma > 0)) throw new InputError(`kernel: γ must be positive, got ${kernel.gamma}`);
  if (X.length !== n * d) throw new InputError(`kernel: X has ${X.length} values, expected n·d = ${n}·${d}`);
  if (labels.length !== n) throw new InputError(`kernel: ${labels.length} labels for ${n} points`);
  for (let t = 0; t < X.length; t++) if (!Number.isFinite(X[t] as number)) throw new InputError(`kernel: X[${Math.floor(t / d)}][${t % d}] is ${X[t]}; the data must be finite`);
  const peakBytes = checkFastKernelPlan(n, d, options.test?.m ?? null, options.memoryBudget);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const c = labels[i] as number;
    if (!Number.isInteger(c) || c < 0) throw new InputError(`kernel: labels[${i}] = ${c} is not a class index`);
    k = Math.max(k, c + 1);
  }
  if (options.test !== undefined && options.test.Z.length !== options.test.m * d) {
    throw new InputError(`kernel: test points have ${options.test.Z.length} values, expected ${options.test.m}·${d}`);
  }
  const tol = options.tol ?? 0.1;
  const testKernel = options.test === undefined ? null : testKernelInWorker(options.test.Z, options.test.m, X, n, d, kernel);
  const maxIterations = options.maxIterations ?? 1000;
  const t0 = performance.now();
  const sqX = rowNorms(X, n, d);
  const Xt = tf.tidy(() => tf.transpose(tf.tensor2d(X, [n, d]))); // (d, n)
  const Khost = new Float32Array(n * n); // (n, n)
  // K is symmetric: block row r0 needs only columns ≥ r0 (about half the products and kernel
  // evaluations); the lower triangle is mirrored.
  for (let r0 = 0; r0 < n; r0 += BLOCK) {
    const rows = Math.min(BLOCK, n - r0);
    const cols = n - r0;
    const G = tf.tidy(() => tf.matMul(tf.tensor2d(X.subarray(r0 * d, (r0 + rows) * d), [rows, d]), tf.slice(Xt, [0, r0], [d, cols]))); // (rows, cols)
    const g = (await G.data()) as Float32Array;
    G.dispose();
    const Kb = new Float32Array(rows * cols);
    applyKernel(g, rows, cols, kernel, sqX, r0, sqX.subarray(r0), Kb, 0);
    for (let r = 0; r < rows; r++) {
      const i = r0 + r;
      Khost.set(Kb.subarray(r * cols + r, (r + 1) * cols), i * n + i); // K[i, i…n)
      for (let j = i + 1; j < n; j++) Khost[j * n + i] = Kb[r * cols + (j - r0)] as number; // K[j, i]
    }
  }
  Xt.dispose();
  const K = tf.tensor2d(Khost, [n, n]);
  const Yhost = new Float32Array(n * k); // (n, k) one-hot
  for (let i = 0; i < n; i++) Yhost[i * k + (labels[i] as number)] = 1;
  const Y = tf.tensor2d(Yhost, [n, k]);
  // CG on all k columns at once: every scalar of textbook CG becomes a (k) vector.
  let A: tf.Tensor = tf.zeros([n, k]);
  let R: tf.Tensor = Y.clone();
  let P: tf.Tensor = Y.clone();
  let rs: tf.Tensor = tf.sum(tf.square(R), 0); // (k)
  const rs0 = Float64Array.from(await rs.data());
  let iterations = 0;
  let relativeResidual = 1;
  try {
    while (iterations < maxIterations) {
      const [A2, R2, P2, rs2, pKp] = tf.tidy(() => {
        const KP = tf.matMul(K, P); // (n, k)
        const pKp = tf.sum(tf.mul(P, KP), 0); // (k)
        const a = tf.div(rs, pKp); // (k) step lengths
        const Rn = tf.sub(R, tf.mul(KP, a));
        const rsNew = tf.sum(tf.square(Rn), 0);
        return [tf.add(A, tf.mul(P, a)), Rn, tf.add(Rn, tf.mul(P, tf.div(rsNew, rs))), rsNew, pKp];
      });
      const curvature = await pKp.data();
      pKp.dispose();
      if (Array.from(curvature).some((v) => !(v > 0))) {
        tf.dispose([A2, R2, P2, rs2]);
        throw new InputError('kernel: the kernel matrix is not positive definite in float32 (CG met pᵀKp ≤ 0) — use a Gaussian kernel, fewer points, or remove duplicate points');
      }
      tf.dispose([A, R, P, rs]);
      [A, R, P, rs] = [A2, R2, P2, rs2];
      iterations++;
      const r2 = await rs.data();
      relativeResidual = Math.sqrt(Math.max(...Array.from(r2, (v, c) => v / (rs0[c] as number))));
      if (relativeResidual <= tol) break;
    }
    const alpha = (await A.data()) as Float32Array;
    const fittedT = tf.tidy(() => tf.argMax(tf.matMul(K, A), 1));
    const fitted = await fittedT.data();
    fittedT.dispose();
    let wrong = 0;
    for (let i = 0; i < n; i++) if (fitted[i] !== labels[i]) wrong++;
    let norm2 = 0;
    for (let t = 0; t < n * k; t++) norm2 += (Yhost[t] as number) * (alpha[t] as number);
    const solveMs = performance.now() - t0;
    const alphaT = tf.tensor2d(alpha, [n, k]);
    // argmax_c Σ_i k(z, x_i) α_ic for the rows of a test kernel (m, n), in blocks.
    const classify = async (Kz: Float32Array, m: number): Promise<Int32Array> => {
      const out = new Int32Array(m);
      for (let r0 = 0; r0 < m; r0 += BLOCK) {
        const rows = Math.min(BLOCK, m - r0);
        const cT = tf.tidy(() => tf.argMax(tf.matMul(tf.tensor2d(Kz.subarray(r0 * n, (r0 + rows) * n), [rows, n]), alphaT), 1));
        out.set(await cT.data(), r0);
        cT.dispose();
      }
      return out;
    };
    let testPredictions: Int32Array | null = null;
    if (testKernel !== null && options.test !== undefined) {
      await testKernel.done;
      testPredictions = await classify(testKernel.out, options.test.m);
    }
    return {
      n,
      k,
      alpha,
      rkhsNorm: Math.sqrt(Math.max(norm2, 0)),
      trainError: wrong / n,
      iterations,
      relativeResidual,
      solveMs,
      peakBytes,
      testPredictions,
      async predict(Z: Float32Array, m: number): Promise<Int32Array> {
        if (Z.length !== m * d) throw new InputError(`kernel: test points have ${Z.length} values, expected ${m}·${d}`);
        const Kz = new Float32Array(m * n); // (m, n)
        await kernelMatrixRows(Z, m, X, n, d, kernel, Kz);
        return classify(Kz, m);
      },
      dispose(): void {
        tf.dispose([K, alphaT]);
      },
    };
  } finally {
    tf.dispose([A, R, P, rs, Y]);
  }
}
