/**
 * Runs the project's JavaScript kernels (src/engine/js-kernels.ts) on two threads when the wasm
 * engine has two or more: one helper worker thread shares the engine's memory (the threaded build's
 * WebAssembly.Memory is a SharedArrayBuffer) and takes the second half of each kernel's range while
 * the calling thread does the first. The two meet through a small shared control block with
 * Atomics.wait/notify (tens of µs per kernel call), not through messages.
 *
 * Without a helper (one thread, the non-threaded build, no compiled package) a kernel runs its whole
 * range here. Each kernel splits by output ownership and computes every element in the same order
 * either way, so the numbers do not depend on the thread count (tested bit for bit in
 * test/engine/wasm-threads.test.ts). With a helper, both halves run the same compiled module (the
 * helper's), so a caller running from the TypeScript sources cannot mix two versions of a kernel.
 *
 * Protocol (indices into the control block): the caller writes the arguments, then [0] = job. The
 * helper claims the job with compare-exchange on [8] (job − 1 → job), runs it and sets [1] = job. A
 * caller that waited {@link TAKE_BACK_MS} for an unclaimed job claims it itself (the same
 * compare-exchange) and runs the second half; a claimed job that does not finish within
 * {@link GIVE_UP_MS} is an error, never an endless wait.
 */
import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { findBackend } from '@tensorflow/tfjs';
import { compiledModule } from '../workers/paths.js';
import { JS_KERNELS, JS_KERNEL_IDS, type JsKernel, type JsKernelId } from './js-kernels.js';
import type { WasmKernels } from './wasm-module.js';

/** The engine's WebAssembly.Memory, as far as the kernels use it (its buffer; replaced when the memory grows). */
export interface SharedMemory {
  readonly buffer: ArrayBufferLike;
}

/** Control block: [0] job posted, [1] job done, [2] kernel index, [3] error flag, [4] from, [5] to, [6] argument count, [7] helper ready, [8] job claimed, [9] heap length the caller sees, [16…] integer arguments. */
export const CONTROL = { posted: 0, done: 1, kernel: 2, error: 3, from: 4, to: 5, argc: 6, ready: 7, claimed: 8, heapLength: 9, args: 16 } as const;
const CONTROL_INTS = 72;
/** Float arguments, in their own block. */
const CONTROL_FLOATS = 8;

/** Below this many elements of work, a kernel runs on the calling thread alone (a round trip costs more). */
const MIN_SPLIT_WORK = 1 << 15;
/** An unclaimed job is taken back after this long (a helper that is gone or starved). */
const TAKE_BACK_MS = 2_000;
/** A claimed job that has not finished after this long is an error. */
const GIVE_UP_MS = 120_000;

interface Helper {
  worker: Worker;
  control: Int32Array;
  floats: Float64Array;
  job: number;
  kernels: Record<JsKernelId, JsKernel>;
}

let helper: Helper | null = null;
let memory: SharedMemory | null = null;

function dropHelper(h: Helper, why: string): void {
  if (helper !== h) return;
  helper = null;
  Atomics.store(h.control, CONTROL.ready, 0);
  process.stderr.write(`note: the wasm engine's helper thread for the JavaScript kernels stopped (${why}); they run on one thread\n`);
}

/**
 * Starts the helper thread for a wasm engine of `threads` threads whose memory is shared; with one
 * thread, memory that is not shared, or no compiled package, nothing starts and kernels run on the
 * calling thread. Idempotent. The helper never keeps the process alive.
 *
 * @returns why no helper started although the engine has several threads; null otherwise
 */
export async function startParallelKernels(wasmMemory: SharedMemory, threads: number): Promise<string | null> {
  memory = wasmMemory;
  if (helper !== null || threads < 2 || !(wasmMemory.buffer instanceof SharedArrayBuffer)) return null;
  let workerFile: string;
  let kernels: Record<JsKernelId, JsKernel>;
  try {
    workerFile = compiledModule('engine/wasm-parallel-worker.js');
    kernels = ((await import(pathToFileURL(compiledModule('engine/js-kernels.js')).href)) as { JS_KERNELS: Record<JsKernelId, JsKernel> }).JS_KERNELS;
  } catch (err) {
    return `the JavaScript kernels run on one thread: ${(err as Error).message.split('\n')[0]}`;
  }
  const controlBuffer = new SharedArrayBuffer(CONTROL_INTS * 4);
  const floatBuffer = new SharedArrayBuffer(CONTROL_FLOATS * 8);
  // No inherited flags: `node --input-type=module -e …` would stop an ES-module worker from starting.
  const worker = new Worker(workerFile, { workerData: { memory: wasmMemory, control: controlBuffer, floats: floatBuffer }, execArgv: [] });
  worker.unref();
  const started: Helper = { worker, control: new Int32Array(controlBuffer), floats: new Float64Array(floatBuffer), job: 0, kernels };
  worker.on('error', (err) => dropHelper(started, err.message));
  worker.on('exit', (code) => dropHelper(started, `it exited with code ${code}`));
  helper = started;
  return null;
}

/** How many kernel calls the helper thread has been offered so far (0 without one). */
export function helperJobs(): number {
  return helper?.job ?? 0;
}

/**
 * Runs kernel `id` over [0, total): the calling thread does [0, mid) and the helper [mid, total)
 * (mid = ⌊total/2⌋), or the calling thread all of it.
 *
 * @param ints integer arguments (offsets in float32 elements, dimensions); at most 56
 * @param floats float arguments; at most 8
 * @param total units of the split dimension
 * @param unitWork elements each unit touches (decides whether splitting pays)
 * @param wasm the project's WebAssembly module in the engine's memory, for a kernel whose body is there (the helper has its own instance)
 * @throws Error when the helper thread's part failed or did not finish
 */
export function runKernel(id: JsKernelId, ints: readonly number[], floats: readonly number[], total: number, unitWork: number, wasm?: WasmKernels): void {
  if (memory === null) {
    // The backend was set without startBackend (registerWasmOps and tf.setBackend('wasm') alone): one thread.
    const wasm = (findBackend('wasm') as unknown as { wasm?: { HEAPU8: Uint8Array } } | null)?.wasm;
    if (wasm === undefined) throw new Error('wasm-parallel: the wasm backend is not started');
    memory = { get buffer() { return wasm.HEAPU8.buffer; } };
  }
  const heap = new Float32Array(memory.buffer); // after any growth of the memory
  const intArgs = Int32Array.from(ints);
  const floatArgs = Float64Array.from(floats);
  const h = helper;
  // Until the helper has started its loop (its start may need this thread's event loop), all here.
  if (h === null || total < 2 || total * unitWork < MIN_SPLIT_WORK || Atomics.load(h.control, CONTROL.ready) !== 1) {
    JS_KERNELS[id](heap, intArgs, floatArgs, 0, total, wasm);
    return;
  }
  const kernel = h.kernels[id];
  const mid = Math.floor(total / 2);
  const previous = h.job;
  const job = (h.job % 0x7fffffff) + 1; // stays a positive int32
  h.job = job;
  h.control.set(intArgs, CONTROL.args);
  h.floats.set(floatArgs);
  h.control[CONTROL.kernel] = JS_KERNEL_IDS.indexOf(id);
  h.control[CONTROL.error] = 0;
  h.control[CONTROL.from] = mid;
  h.control[CONTROL.to] = total;
  h.control[CONTROL.argc] = intArgs.length;
  h.control[CONTROL.heapLength] = heap.length;
  Atomics.store(h.control, CONTROL.posted, job); // a seq-cst store: the writes above are visible before it
  Atomics.notify(h.control, CONTROL.posted);
  let failure: unknown = null;
  try {
    kernel(heap, intArgs, floatArgs, 0, mid, wasm);
  } catch (err) {
    failure = err;
  }
  // Wait for the helper's half (also when ours failed: it may be writing into the shared memory).
  const t0 = performance.now();
  for (;;) {
    if (Atomics.load(h.control, CONTROL.done) === job) break;
    const waited = performance.now() - t0;
    if (waited > TAKE_BACK_MS && Atomics.compareExchange(h.control, CONTROL.claimed, previous, job) === previous) {
      // Never claimed: run the second half here and stop offering work to that helper.
      dropHelper(h, `it did not take a job within ${TAKE_BACK_MS / 1000} s`);
      if (failure === null) kernel(heap, intArgs, floatArgs, mid, total, wasm);
      break;
    }
    if (waited > GIVE_UP_MS) {
      dropHelper(h, `a job did not finish within ${GIVE_UP_MS / 1000} s`);
      throw new Error(`wasm-parallel: the helper thread's half of ${id} did not finish within ${GIVE_UP_MS / 1000} s; rerun with --threads 1`);
    }
    Atomics.wait(h.control, CONTROL.done, Atomics.load(h.control, CONTROL.done), 100);
  }
  if (failure !== null) throw failure;
  if (Atomics.load(h.control, CONTROL.error) !== 0) throw new Error(`wasm-parallel: the helper thread's half of ${id} failed (its message is on stderr); rerun with --threads 1`);
}
