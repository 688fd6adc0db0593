/**
 * The Gram matrix K of n points in float32, kept OUTSIDE the engine's WebAssembly heap: one
 * SharedArrayBuffer per block of rows, so that its size is bounded by the machine's memory and not by
 * the 4 GiB a wasm heap addresses (K is 14.4 GB at n = 60,000). Two threads work on it — this one and
 * a job of the project's worker pool with its own tfjs engine (kernel-jobs.ts, driven by
 * {@link KernelThreads}) — and take their work items (tiles of K, blocks of rows of a product, blocks
 * of test points) from a shared counter, so that a thread slowed down on a busy machine simply takes
 * fewer.
 *
 * Every product runs on the engine: X·Xᵀ tile by tile while K is built (the kernel is applied to each
 * tile in JavaScript and the tile is written twice, K being symmetric), K·V one block of rows at a
 * time (the block is copied into the engine for its product), and the test scores k(Z, X)·α.
 *
 * The phases (building K, each product, the test scores) are numbered by a generation. This thread
 * opens a phase (resets the counter, publishes the task, then the generation), takes its share, closes
 * it, and waits until no thread holds an item before it reads the results or opens the next one. A
 * thread takes an item only while its own generation is the open one; it announces itself (ACTIVE)
 * before it looks, so that with sequentially consistent atomics a closing thread either sees it
 * announced or is seen to have closed — no item of an old phase is taken into a new one.
 */
import * as tf from '@tensorflow/tfjs';
import type { Kernel } from '../kernels/gram.js';
import { InputError, InterruptedError } from '../errors.js';
import type { WorkerPool } from '../workers/pool.js';

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
  /** Int32 words of the phase protocol (see the module comment): next item, items done, open generation, … */
  readonly control: SharedArrayBuffer;
  /** test points Z (m, d) float32 and their scores k(Z, X)·α (m, k) float32 */
  readonly test: { readonly Z: SharedArrayBuffer; readonly m: number; readonly scores: SharedArrayBuffer } | null;
}

/** What the threads do: build K, multiply K·V, or score the test points with α = V. */
export type KernelTask = 'gram' | 'product' | 'predict';

/** The tasks in the order of their code in the control word TASK. */
const TASKS: readonly KernelTask[] = ['gram', 'product', 'predict'];

// Words of the control array (Int32).
const NEXT = 0; // next work item of the open phase
const DONE = 1; // items finished in the open phase
const OPEN = 2; // the generation whose items may be taken (0: none)
const ACTIVE = 3; // threads between announcing a take and leaving it
const GEN = 4; // generation of the latest phase: the worker waits for it to change
const TASK = 5; // that phase's task (index into TASKS)
const QUIT = 6; // 1: the worker's job ends
const CONTROL_WORDS = 7;

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
    control: new SharedArrayBuffer(4 * CONTROL_WORDS),
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

/** `Atomics.waitAsync` (ES2024; Node ≥ 16 has it, the project's ES2022 lib does not declare it). */
type WaitAsync = (a: Int32Array, index: number, value: number, timeoutMs?: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/**
 * Waits (without blocking the thread) until word `index` of `control` is no longer `value`, or
 * `timeoutMs` has passed, or `also` settles.
 */
async function waitChange(control: Int32Array, index: number, value: number, timeoutMs: number, also?: Promise<void>): Promise<void> {
  const w = waitAsync(control, index, value, timeoutMs);
  if (w.async) await (also === undefined ? w.value : Promise.race([w.value, also]));
}

/**
 * The phase protocol on the shared control words (see the module comment), for both sides: this
 * thread opens and closes phases, the worker waits for them; both take items.
 *
 * @example
 * // this thread
 * const g = control.open('product');
 * for (let i; (i = control.take(g, items)) >= 0; control.finish(true)) work(i);
 * control.close();
 * await control.idle();
 * // the worker
 * for (let seen = 0; !control.quitting; ) { seen = await control.next(seen); … control.take(seen, items) … }
 */
export class KernelControl {
  private readonly c: Int32Array;

  /** @example const control = new KernelControl(shared); */
  constructor(readonly shared: SharedKernelData) {
    this.c = new Int32Array(shared.control);
  }

  /**
   * Opens the next phase for `task` (call only while no phase is open and no thread holds an item):
   * resets the counters, publishes the task, then the generation, and wakes the worker.
   *
   * @returns the phase's generation
   * @example
   * const g = control.open('gram');
   */
  open(task: KernelTask): number {
    const generation = Atomics.load(this.c, GEN) + 1;
    Atomics.store(this.c, NEXT, 0);
    Atomics.store(this.c, DONE, 0);
    Atomics.store(this.c, TASK, TASKS.indexOf(task));
    Atomics.store(this.c, OPEN, generation);
    Atomics.store(this.c, GEN, generation);
    Atomics.notify(this.c, GEN);
    return generation;
  }

  /** Closes the open phase: no item is taken after this (one in hand is finished). */
  close(): void {
    Atomics.store(this.c, OPEN, 0);
  }

  /** Items finished so far in the current phase. */
  get done(): number {
    return Atomics.load(this.c, DONE);
  }

  /**
   * Takes the next item of phase `generation` (with `items` items): its index, or −1 when the phase is
   * closed, another one, or exhausted. After an index, {@link finish} must follow.
   *
   * @example
   * const i = control.take(g, taskItems(shared, 'gram')); // 0, 1, … or −1
   */
  take(generation: number, items: number): number {
    Atomics.add(this.c, ACTIVE, 1);
    if (Atomics.load(this.c, OPEN) === generation) {
      const i = Atomics.add(this.c, NEXT, 1);
      if (i < items) return i;
    }
    this.leave();
    return -1;
  }

  /** Ends an item taken by {@link take}: counted done when `ok`. */
  finish(ok: boolean): void {
    if (ok) Atomics.add(this.c, DONE, 1);
    this.leave();
  }

  private leave(): void {
    Atomics.sub(this.c, ACTIVE, 1);
    Atomics.notify(this.c, ACTIVE);
  }

  /**
   * Waits until no thread holds an item, or until `stop` has resolved (the caller then knows why).
   *
   * @example
   * control.close();
   * await control.idle(workerFailed); // the results of the phase can be read
   */
  async idle(stop?: Promise<void>): Promise<void> {
    let stopped = false;
    void stop?.then(() => {
      stopped = true;
    });
    for (;;) {
      const active = Atomics.load(this.c, ACTIVE);
      if (active === 0 || stopped) return;
      await waitChange(this.c, ACTIVE, active, 100, stop);
    }
  }

  /**
   * Worker side: waits for a generation other than `seen` (a new phase, or the end); returns it.
   *
   * @example
   * seen = await control.next(seen);
   * if (control.quitting) return;
   */
  async next(seen: number): Promise<number> {
    for (;;) {
      const generation = Atomics.load(this.c, GEN);
      if (generation !== seen) return generation;
      await waitChange(this.c, GEN, seen, 1000);
    }
  }

  /** The task of the latest phase. */
  get task(): KernelTask {
    return TASKS[Atomics.load(this.c, TASK)] as KernelTask;
  }

  /** Tells the worker's job to end (it finishes the item in hand first). */
  quit(): void {
    Atomics.store(this.c, QUIT, 1);
    Atomics.store(this.c, OPEN, 0);
    Atomics.add(this.c, GEN, 1);
    Atomics.notify(this.c, GEN);
  }

  /** Whether the job was told to end. */
  get quitting(): boolean {
    return Atomics.load(this.c, QUIT) !== 0;
  }
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
  private readonly control: KernelControl;
  private readonly tiles: [number, number][] = []; // gram items (b, c), c ≥ b
  private vectorTensor: tf.Tensor2D | null = null; // (n, k), uploaded per task

  private constructor(
    readonly shared: SharedKernelData,
    private readonly xRows: tf.Tensor2D[], // tile b: (rows_b, d)
    private readonly xtCols: tf.Tensor2D[], // tile c: (d, rows_c)
  ) {
    this.X = new Float32Array(shared.X);
    this.sq = new Float64Array(shared.sq);
    this.control = new KernelControl(shared);
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
   * Takes items of phase `generation` (running `task`) from the shared counter until none is left or
   * the phase is closed; returns how many this thread did. `afterItem` runs after each of them (the
   * main thread yields there, so that signals and progress are handled).
   *
   * @example
   * const control = new KernelControl(shared);
   * const taken = await engine.runShare('gram', control.open('gram'));
   */
  async runShare(task: KernelTask, generation: number, afterItem?: () => Promise<void>): Promise<number> {
    const items = taskItems(this.shared, task);
    if (task !== 'gram') this.vectorTensor = tf.tensor2d(new Float32Array(this.shared.vector), [this.shared.n, this.shared.k]);
    let taken = 0;
    try {
      for (;;) {
        const i = this.control.take(generation, items);
        if (i < 0) return taken;
        let ok = false;
        try {
          if (task === 'gram') await this.gramTile(i);
          else if (task === 'product') await this.productBlock(i);
          else await this.predictRows(i);
          ok = true;
        } finally {
          this.control.finish(ok);
        }
        taken++;
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


/** A job of the worker pool, by module (its path under src/, or an absolute path) and export. */
export interface KernelJobName {
  readonly module: string;
  readonly export: string;
}

/** The worker side of the kernel solver: {@link kernelShareJob} in kernel-jobs.ts. */
export const KERNEL_SHARE_JOB: KernelJobName = { module: 'implicit/kernel-jobs.js', export: 'kernelShareJob' };

/** What the worker's job returns: the work items it took over all phases. */
export interface KernelShareReport {
  readonly items: number;
}

/** The work items each thread took over all phases (both > 0: both threads worked). */
export interface KernelThreadItems {
  readonly main: number;
  readonly worker: number;
}

/** A worker's error as the solve reports it: InputError and InterruptedError as they are, others named. */
function workerError(err: unknown): Error {
  if (err instanceof InputError || err instanceof InterruptedError) return err;
  const e = err instanceof Error ? err : new Error(String(err));
  return new Error(`kernel worker: ${e.message}`, { cause: e });
}

/**
 * Both threads on the shared kernel: this thread's engine and one job of a {@link WorkerPool} (by
 * default {@link KERNEL_SHARE_JOB}) that attaches the same shared buffers and runs its share of every
 * phase on its own wasm engine until {@link close}. A job that throws, or a worker that dies, closes
 * the open phase and rejects the phase in progress (or the next one, or {@link close}) with its error —
 * never a wait for an item that will not be finished. A job still queued in a busy pool simply joins
 * late: this thread takes every item meanwhile (and {@link close} waits for it to start and return).
 *
 * @example
 * const engine = KernelEngine.start(shared);
 * const threads = KernelThreads.start(pool, engine);
 * await threads.run('gram');
 * const { main, worker } = await threads.close();
 */
export class KernelThreads {
  readonly control: KernelControl;
  private failure: Error | null = null;
  private readonly failed: Promise<void>;
  private readonly job: Promise<KernelShareReport | null>;
  private mainItems = 0;

  private constructor(
    private readonly engine: KernelEngine,
    pool: WorkerPool,
    job: KernelJobName,
  ) {
    const control = new KernelControl(engine.shared);
    this.control = control;
    let signalFailure = (): void => undefined;
    this.failed = new Promise<void>((resolve) => {
      signalFailure = resolve;
    });
    this.job = pool.run<KernelShareReport>({ module: job.module, export: job.export, args: { shared: engine.shared } }).then(
      (report) => report,
      (err: unknown) => {
        this.failure = workerError(err);
        control.close(); // this thread stops after the item in hand
        signalFailure();
        return null;
      },
    );
  }

  /**
   * Starts the worker's job on `pool` (it runs until {@link close}).
   *
   * @param pool the pool the job runs on (one of its threads is busy until {@link close})
   * @param engine this thread's engine on the shared kernel data
   * @param job the worker side (default {@link KERNEL_SHARE_JOB}; tests inject failing ones)
   * @example
   * const threads = KernelThreads.start(new WorkerPool({ threads: 1 }), KernelEngine.start(shared));
   */
  static start(pool: WorkerPool, engine: KernelEngine, job: KernelJobName = KERNEL_SHARE_JOB): KernelThreads {
    return new KernelThreads(engine, pool, job);
  }

  /** Items finished so far in the phase in progress. */
  get done(): number {
    return this.control.done;
  }

  /** Stops the phase in progress after the items in hand (an interrupted solve). */
  stop(): void {
    this.control.close();
  }

  /**
   * Runs one phase on both threads: resolves once it is closed (all items done, or {@link stop}) and
   * no thread holds an item of it, so that its results can be read.
   *
   * @param task what the phase does (its right-hand factor, if any, is in `shared.vector`)
   * @param afterItem runs after each item this thread finishes
   * @throws the worker's error as soon as it fails (this thread finishes its item in hand first)
   * @example
   * new Float32Array(shared.vector).set(V);
   * await threads.run('product'); // shared.product = K·V
   */
  async run(task: KernelTask, afterItem?: () => Promise<void>): Promise<void> {
    this.throwFailure();
    const generation = this.control.open(task);
    try {
      this.mainItems += await this.engine.runShare(task, generation, afterItem);
    } finally {
      this.control.close();
    }
    await this.control.idle(this.failed);
    this.throwFailure();
  }

  /**
   * Tells the worker's job to end and waits for it: it finishes its item in hand; a job still queued
   * behind other jobs of a busy pool returns as soon as it starts.
   *
   * @returns the items each thread took
   * @throws the worker's error if it failed
   */
  async close(): Promise<KernelThreadItems> {
    this.control.quit();
    const report = await this.job;
    this.throwFailure();
    return { main: this.mainItems, worker: report?.items ?? 0 };
  }

  private throwFailure(): void {
    if (this.failure !== null) throw this.failure;
  }
}
