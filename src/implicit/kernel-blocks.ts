/**
 * The Gram matrix K of n points in float32, kept OUTSIDE the engine's WebAssembly heap: one
 * SharedArrayBuffer per block of rows, so that its size is bounded by the machine's memory and not by
 * the 4 GiB a wasm heap addresses (K is 14.4 GB at n = 60,000). Two threads work on it — this one and
 * a worker with its own tfjs engine ({@link startKernelRowsWorker}) — and take their work items
 * (tiles of K, blocks of rows of a product, blocks of test points) from a shared counter, so that a
 * thread slowed down on a busy machine simply takes fewer.
 *
 * Every product runs on the engine: X·Xᵀ tile by tile while K is built (the kernel is applied to each
 * tile in JavaScript and the tile is written twice, K being symmetric), K·V one block of rows at a
 * time (the block is copied into the engine for its product), and the test scores k(Z, X)·α.
 */
import * as tf from '@tensorflow/tfjs';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Kernel } from '../kernels/gram.js';
import { compiledModule } from '../workers/paths.js';

/** Everything both threads share: sizes, the kernel, and the shared buffers. */
export interface SharedKernelData {
  readonly n: number;
  readonly d: number;
  /** columns of the products (classes) */
  readonly k: number;
  /** rows per block of K (and per tile side) */
  readonly blockRows: number;
  readonly kernel: Kernel;
  /** the points, (n, d) float32 */
  readonly X: SharedArrayBuffer;
  /** ‖x_i‖², (n) float64 */
  readonly sq: SharedArrayBuffer;
  /** block b holds rows [b·blockRows, …) of K: (rows_b, n) float32 */
  readonly blocks: readonly SharedArrayBuffer[];
  /** the right-hand factor V of a product K·V (or α for test scores), (n, k) float32 */
  readonly vector: SharedArrayBuffer;
  /** K·V, (n, k) float32 */
  readonly product: SharedArrayBuffer;
  /** Int32 [next work item, items done, stop flag] */
  readonly control: SharedArrayBuffer;
  /** test points Z (m, d) float32 and their scores k(Z, X)·α (m, k) float32 */
  readonly test: { readonly Z: SharedArrayBuffer; readonly m: number; readonly scores: SharedArrayBuffer } | null;
}

/** What the threads do: build K, multiply K·V, or score the test points with α = V. */
export type KernelTask = 'gram' | 'product' | 'predict';

const NEXT = 0;
const DONE = 1;
const STOP = 2;

/** Test points per work item of `predict`. */
const TEST_ROWS = 250;

/** Rows per block at n points: blocks of at most 2^26 floats (256 MiB), at most 1000 rows. */
export function blockRowsFor(n: number): number {
  return Math.max(1, Math.min(1000, n, Math.floor(2 ** 26 / Math.max(n, 1))));
}

/**
 * Allocates the shared buffers (K's blocks included, zero-filled: the pages are committed as they
 * are written) and copies the points in.
 *
 * @param X points (n, d) float32
 * @param test test points (m, d) float32, or null
 * @example
 * const shared = allocateKernelData(X, 1000, 784, 10, { kind: 'gaussian', gamma: 0.02 }, null);
 */
export function allocateKernelData(X: Float32Array, n: number, d: number, k: number, kernel: Kernel, test: { Z: Float32Array; m: number } | null): SharedKernelData {
  const blockRows = blockRowsFor(n);
  const share = (a: Float32Array): SharedArrayBuffer => {
    const b = new SharedArrayBuffer(a.byteLength);
    new Float32Array(b).set(a);
    return b;
  };
  const sq = new SharedArrayBuffer(8 * n);
  const sqv = new Float64Array(sq);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += (X[i * d + j] as number) ** 2;
    sqv[i] = s;
  }
  const blocks: SharedArrayBuffer[] = [];
  for (let r0 = 0; r0 < n; r0 += blockRows) blocks.push(new SharedArrayBuffer(4 * Math.min(blockRows, n - r0) * n));
  return {
    n,
    d,
    k,
    blockRows,
    kernel,
    X: share(X),
    sq,
    blocks,
    vector: new SharedArrayBuffer(4 * n * k),
    product: new SharedArrayBuffer(4 * n * k),
    control: new SharedArrayBuffer(12),
    test: test === null ? null : { Z: share(test.Z), m: test.m, scores: new SharedArrayBuffer(4 * test.m * k) },
  };
}

/** Row i of K as a view into its block. */
export function kernelRow(shared: SharedKernelData, i: number): Float32Array {
  const b = Math.floor(i / shared.blockRows);
  const r = i - b * shared.blockRows;
  return new Float32Array(shared.blocks[b] as SharedArrayBuffer, 4 * r * shared.n, shared.n);
}

/** How many work items a task has. */
export function taskItems(shared: SharedKernelData, task: KernelTask): number {
  const nb = shared.blocks.length;
  if (task === 'gram') return (nb * (nb + 1)) / 2;
  if (task === 'product') return nb;
  return Math.ceil((shared.test?.m ?? 0) / TEST_ROWS);
}

/** Resets the shared counter before a task (the threads then take items from it). */
export function resetTask(shared: SharedKernelData): void {
  const c = new Int32Array(shared.control);
  Atomics.store(c, NEXT, 0);
  Atomics.store(c, DONE, 0);
  Atomics.store(c, STOP, 0);
}

/** Items finished so far in the current task. */
export function itemsDone(shared: SharedKernelData): number {
  return Atomics.load(new Int32Array(shared.control), DONE);
}

/** Asks both threads to stop after the item in hand. */
export function stopTask(shared: SharedKernelData): void {
  Atomics.store(new Int32Array(shared.control), STOP, 1);
}

/**
 * The kernel applied to a tile of inner products G = A·Bᵀ (rows, cols): Gaussian
 * exp(−γ·max(‖a‖² + ‖b‖² − 2⟨a, b⟩, 0)) (the max guards the rounding of the expansion), polynomial
 * (⟨a, b⟩ + c)^p. Written into `out` at `offset` with row stride `stride`.
 */
export function applyKernelTile(G: Float32Array, rows: number, cols: number, kernel: Kernel, sqA: Float64Array, a0: number, sqB: Float64Array, b0: number, out: Float32Array, offset: number, stride: number): void {
  if (kernel.kind === 'gaussian') {
    const g = kernel.gamma;
    for (let r = 0; r < rows; r++) {
      const sa = sqA[a0 + r] as number;
      const gr = r * cols;
      const o = offset + r * stride;
      for (let j = 0; j < cols; j++) {
        const d2 = sa + (sqB[b0 + j] as number) - 2 * (G[gr + j] as number);
        out[o + j] = Math.exp(-g * (d2 > 0 ? d2 : 0));
      }
    }
  } else {
    const c = kernel.c ?? 1;
    const p = kernel.degree;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < cols; j++) out[offset + r * stride + j] = ((G[r * cols + j] as number) + c) ** p;
    }
  }
}

/**
 * One thread's engine state for the shared kernel: row tiles of X and column tiles of Xᵀ as tensors,
 * and the loop that takes work items. Both threads make one ({@link KernelEngine.start}).
 */
export class KernelEngine {
  private readonly X: Float32Array; // (n, d)
  private readonly sq: Float64Array; // (n)
  private readonly control: Int32Array;
  private readonly tiles: [number, number][] = []; // gram items (b, c), c ≥ b
  private vectorTensor: tf.Tensor2D | null = null; // (n, k), uploaded per task

  private constructor(
    readonly shared: SharedKernelData,
    private readonly xRows: tf.Tensor2D[], // tile b: (rows_b, d)
    private readonly xtCols: tf.Tensor2D[], // tile c: (d, rows_c)
  ) {
    this.X = new Float32Array(shared.X);
    this.sq = new Float64Array(shared.sq);
    this.control = new Int32Array(shared.control);
    const nb = shared.blocks.length;
    for (let b = 0; b < nb; b++) for (let c = b; c < nb; c++) this.tiles.push([b, c]);
  }

  /** Uploads X's tiles to the current tfjs backend. */
  static start(shared: SharedKernelData): KernelEngine {
    const { n, d, blockRows } = shared;
    const X = new Float32Array(shared.X);
    const xRows: tf.Tensor2D[] = [];
    const xtCols: tf.Tensor2D[] = [];
    for (let r0 = 0; r0 < n; r0 += blockRows) {
      const rows = Math.min(blockRows, n - r0);
      const tile = tf.tensor2d(X.subarray(r0 * d, (r0 + rows) * d), [rows, d]);
      xRows.push(tile);
      xtCols.push(tf.tidy(() => tf.transpose(tile)));
    }
    return new KernelEngine(shared, xRows, xtCols);
  }

  /**
   * Takes items of `task` from the shared counter until none is left or a stop is asked for.
   * `afterItem` runs after each item this thread finishes (the main thread yields there, so that
   * signals and progress are handled).
   */
  async runShare(task: KernelTask, afterItem?: () => Promise<void>): Promise<void> {
    const items = taskItems(this.shared, task);
    if (task !== 'gram') this.vectorTensor = tf.tensor2d(new Float32Array(this.shared.vector), [this.shared.n, this.shared.k]);
    try {
      for (;;) {
        if (Atomics.load(this.control, STOP) !== 0) return;
        const i = Atomics.add(this.control, NEXT, 1);
        if (i >= items) return;
        if (task === 'gram') await this.gramTile(i);
        else if (task === 'product') await this.productBlock(i);
        else await this.predictRows(i);
        Atomics.add(this.control, DONE, 1);
        if (afterItem !== undefined) await afterItem();
      }
    } finally {
      this.vectorTensor?.dispose();
      this.vectorTensor = null;
    }
  }

  /** The kernel between the rows of `A` (rows, d) (squared norms sqA from a0) and column tile c. */
  private async kernelTile(A: tf.Tensor2D, sqA: Float64Array, a0: number, c: number): Promise<{ tile: Float32Array; cols: number }> {
    const Bt = this.xtCols[c] as tf.Tensor2D;
    const G = tf.matMul(A, Bt); // (rows, cols)
    const g = (await G.data()) as Float32Array; // data(), not dataSync(): webgpu reads asynchronously
    G.dispose();
    const rows = A.shape[0];
    const cols = Bt.shape[1];
    const tile = new Float32Array(rows * cols);
    applyKernelTile(g, rows, cols, this.shared.kernel, sqA, a0, this.sq, c * this.shared.blockRows, tile, 0, cols);
    return { tile, cols };
  }

  /** Tile (b, c) of K and, when c > b, its mirror (c, b). */
  private async gramTile(i: number): Promise<void> {
    const [b, c] = this.tiles[i] as [number, number];
    const { n, blockRows } = this.shared;
    const A = this.xRows[b] as tf.Tensor2D;
    const rows = A.shape[0];
    const { tile, cols } = await this.kernelTile(A, this.sq, b * blockRows, c);
    const Kb = new Float32Array(this.shared.blocks[b] as SharedArrayBuffer);
    const c0 = c * blockRows;
    for (let r = 0; r < rows; r++) Kb.set(tile.subarray(r * cols, (r + 1) * cols), r * n + c0);
    if (c === b) return;
    // K[c-rows, b-columns] = tileᵀ, in 32 × 32 squares so that reads and writes stay in cache.
    const Kc = new Float32Array(this.shared.blocks[c] as SharedArrayBuffer);
    const b0 = b * blockRows;
    for (let j0 = 0; j0 < cols; j0 += 32) {
      const j1 = Math.min(cols, j0 + 32);
      for (let r0 = 0; r0 < rows; r0 += 32) {
        const r1 = Math.min(rows, r0 + 32);
        for (let j = j0; j < j1; j++) {
          const o = j * n + b0;
          for (let r = r0; r < r1; r++) Kc[o + r] = tile[r * cols + j] as number;
        }
      }
    }
  }

  /** Rows of block b of K·V: the block is copied into the engine for its product. */
  private async productBlock(b: number): Promise<void> {
    const { n, k, blockRows } = this.shared;
    const Kb = new Float32Array(this.shared.blocks[b] as SharedArrayBuffer);
    const rows = Kb.length / n;
    const P = tf.tidy(() => tf.matMul(tf.tensor2d(Kb, [rows, n]), this.vectorTensor as tf.Tensor2D)); // (rows, k)
    const p = (await P.data()) as Float32Array;
    P.dispose();
    new Float32Array(this.shared.product).set(p, b * blockRows * k);
  }

  /** Scores k(z, X)·α for test points [t·TEST_ROWS, …) of the shared test set. */
  private async predictRows(t: number): Promise<void> {
    const test = this.shared.test;
    if (test === null) return;
    const { d, k } = this.shared;
    const z0 = t * TEST_ROWS;
    const rows = Math.min(TEST_ROWS, test.m - z0);
    const s = await this.scoreRows(new Float32Array(test.Z, 4 * z0 * d, rows * d), rows, this.vectorTensor as tf.Tensor2D);
    new Float32Array(test.scores).set(s, z0 * k);
  }

  /** k(Z, X)·V for a few points Z (rows, d): kernel rows tile by tile, then one product on the engine. */
  private async scoreRows(Z: Float32Array, rows: number, V: tf.Tensor2D): Promise<Float32Array> {
    const { n, d, blockRows } = this.shared;
    const sqZ = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (Z[r * d + j] as number) ** 2;
      sqZ[r] = s;
    }
    const A = tf.tensor2d(Z, [rows, d]);
    const Kz = new Float32Array(rows * n); // (rows, n)
    try {
      for (let c = 0; c < this.xtCols.length; c++) {
        const { tile, cols } = await this.kernelTile(A, sqZ, 0, c);
        for (let r = 0; r < rows; r++) Kz.set(tile.subarray(r * cols, (r + 1) * cols), r * n + c * blockRows);
      }
    } finally {
      A.dispose();
    }
    const S = tf.tidy(() => tf.matMul(tf.tensor2d(Kz, [rows, n]), V)); // (rows, columns of V)
    const s = (await S.data()) as Float32Array;
    S.dispose();
    return s;
  }

  /**
   * k(Z, X)·V for m new points on this thread alone (after the solve, for `predict`).
   *
   * @param Z - (m, d) float32
   * @param V - (n, c) row-major
   * @returns (m, c) float32
   */
  async scores(Z: Float32Array, m: number, V: ArrayLike<number>, c: number): Promise<Float32Array> {
    const { n, d } = this.shared;
    const Vt = tf.tensor2d(Float32Array.from(V), [n, c]);
    const out = new Float32Array(m * c);
    try {
      for (let z0 = 0; z0 < m; z0 += TEST_ROWS) {
        const rows = Math.min(TEST_ROWS, m - z0);
        out.set(await this.scoreRows(Z.subarray(z0 * d, (z0 + rows) * d), rows, Vt), z0 * c);
      }
    } finally {
      Vt.dispose();
    }
    return out;
  }

  /** Frees the tensors. */
  dispose(): void {
    tf.dispose([...this.xRows, ...this.xtCols]);
  }
}

/** The worker side of {@link startKernelRowsWorker}. */
const KERNEL_ROWS_WORKER = `
const { parentPort, workerData: w } = require('node:worker_threads');
(async () => {
  const { startBackend } = await import(w.backendUrl);
  const { KernelEngine } = await import(w.moduleUrl);
  await startBackend('wasm');
  const engine = KernelEngine.start(w.shared);
  parentPort.on('message', (task) => {
    engine.runShare(task).then(
      () => parentPort.postMessage({ done: true }),
      (e) => parentPort.postMessage({ error: e && e.message ? e.message : String(e) }),
    );
  });
  parentPort.postMessage({ ready: true });
})().catch((e) => parentPort.postMessage({ error: e && e.message ? e.message : String(e) }));
`;

/** The second thread: runs its share of each task on its own wasm engine. */
export interface KernelRowsWorker {
  /** runs the worker's share of `task` (the shared counter must have been reset) */
  run(task: KernelTask): Promise<void>;
  /** ends the worker */
  close(): Promise<void>;
}

/**
 * Starts the worker thread that takes its share of every kernel task (building K, products, test
 * scores) on its own wasm engine, reading and writing the shared buffers. Resolves once its engine
 * holds X.
 *
 * @example
 * const worker = await startKernelRowsWorker(shared);
 * resetTask(shared);
 * await Promise.all([worker.run('gram'), engine.runShare('gram')]);
 * await worker.close();
 */
export function startKernelRowsWorker(shared: SharedKernelData): Promise<KernelRowsWorker> {
  const worker = new Worker(KERNEL_ROWS_WORKER, {
    eval: true,
    // workers run JavaScript: the compiled modules, also when the caller runs from the sources
    workerData: { shared, moduleUrl: pathToFileURL(compiledModule('implicit/kernel-blocks.js')).href, backendUrl: pathToFileURL(compiledModule('engine/backend.js')).href },
  });
  let pending: { resolve: () => void; reject: (e: Error) => void } | null = null;
  let failure: Error | null = null;
  const fail = (e: Error): void => {
    failure = e;
    pending?.reject(e);
    pending = null;
  };
  return new Promise<KernelRowsWorker>((resolveStart, rejectStart) => {
    pending = { resolve: () => resolveStart(handle), reject: rejectStart };
    worker.on('message', (msg: { ready?: boolean; done?: boolean; error?: string }) => {
      if (msg.error !== undefined) return fail(new Error(`kernel rows worker: ${msg.error}`));
      const p = pending;
      pending = null;
      p?.resolve();
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (pending !== null) fail(new Error(`kernel rows worker exited (code ${code})`));
    });
    const handle: KernelRowsWorker = {
      run(task: KernelTask): Promise<void> {
        if (failure !== null) return Promise.reject(failure);
        return new Promise<void>((resolve, reject) => {
          pending = { resolve, reject };
          worker.postMessage(task);
        });
      },
      async close(): Promise<void> {
        pending = null;
        await worker.terminate();
      },
    };
  });
}
