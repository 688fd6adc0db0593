/**
 * Runs the project's JavaScript kernels (src/engine/js-kernels.ts) on two threads when the wasm
 * engine has two or more: one helper worker thread shares the engine's memory (the threaded build's
 * SharedMemory is a SharedArrayBuffer) and takes the second half of each kernel's range while
 * the calling thread does the first. The two meet through a small shared control block with
 * Atomics.wait/notify (a few tens of µs per kernel call), not through messages.
 *
 * Without a helper (one thread, or the non-threaded build) a kernel runs its whole range here. Each
 * kernel splits by output ownership and computes every element in the same order either way, so the
 * numbers do not depend on the thread count (tested bit for bit in test/engine/wasm-threads.test.ts).
 */
import { Worker } from 'node:worker_threads';
import { findBackend } from '@tensorflow/tfjs';
import { compiledModule } from '../workers/paths.js';
import { JS_KERNELS, JS_KERNEL_IDS, type JsKernelId } from './js-kernels.js';

/** The engine's WebAssembly.Memory, as far as the kernels use it (its buffer; replaced when the memory grows). */
export interface SharedMemory {
  readonly buffer: ArrayBufferLike;
}

/** Control block: [0] job number, [1] job number done, [2] kernel index, [3] error flag, [4] from, [5] to, [6] arg count, [7] helper ready, [8…] integer arguments. */
const CONTROL_INTS = 64;
const FIRST_ARG = 8;
/** Float arguments, in their own block. */
const CONTROL_FLOATS = 8;

/** Below this many elements of work, a kernel runs on the calling thread alone (a round trip, tens of µs, costs more). */
const MIN_SPLIT_WORK = 1 << 15;

interface Helper {
  worker: Worker;
  control: Int32Array;
  floats: Float64Array;
  job: number;
}

let helper: Helper | null = null;
let memory: SharedMemory | null = null;

/**
 * Starts the helper thread for a wasm engine of `threads` threads whose memory is shared; with one
 * thread, or memory that is not shared, nothing starts and kernels run on the calling thread.
 * Idempotent. The helper never keeps the process alive.
 */
export function startParallelKernels(wasmMemory: SharedMemory, threads: number): void {
  memory = wasmMemory;
  if (helper !== null || threads < 2 || !(wasmMemory.buffer instanceof SharedArrayBuffer)) return;
  const controlBuffer = new SharedArrayBuffer(CONTROL_INTS * 4);
  const floatBuffer = new SharedArrayBuffer(CONTROL_FLOATS * 8);
  // No inherited flags: `node --input-type=module -e …` would stop an ES-module worker from starting.
  const worker = new Worker(compiledModule('engine/wasm-parallel-worker.js'), { workerData: { memory: wasmMemory, control: controlBuffer, floats: floatBuffer }, execArgv: [] });
  worker.unref();
  const started: Helper = { worker, control: new Int32Array(controlBuffer), floats: new Float64Array(floatBuffer), job: 0 };
  // A helper that cannot start (or dies between jobs) leaves the kernels to this thread; the numbers are the same.
  worker.on('error', (err) => {
    if (helper === started) helper = null;
    process.stderr.write(`note: the wasm engine's helper thread for the JavaScript kernels stopped (${err.message}); they run on one thread\n`);
  });
  helper = started;
}

/** How many kernel calls the helper thread has shared so far (0 without one). */
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
 * @throws Error when the helper thread's part failed (its message)
 */
export function runKernel(id: JsKernelId, ints: readonly number[], floats: readonly number[], total: number, unitWork: number): void {
  if (memory === null) {
    // The backend was set without startBackend (registerWasmOps and tf.setBackend('wasm') alone): one thread.
    const wasm = (findBackend('wasm') as unknown as { wasm?: { HEAPU8: Uint8Array } } | null)?.wasm;
    if (wasm === undefined) throw new Error('wasm-parallel: the wasm backend is not started');
    memory = { get buffer() { return wasm.HEAPU8.buffer; } };
  }
  const heap = new Float32Array(memory.buffer); // after any growth of the memory
  const intArgs = Int32Array.from(ints);
  const floatArgs = Float64Array.from(floats);
  const kernel = JS_KERNELS[id];
  // Until the helper has started its loop (its start may need this thread's event loop), all here.
  if (helper === null || total < 2 || total * unitWork < MIN_SPLIT_WORK || Atomics.load(helper.control, 7) !== 1) {
    kernel(heap, intArgs, floatArgs, 0, total);
    return;
  }
  const h = helper;
  const mid = Math.floor(total / 2);
  h.control.set(intArgs, FIRST_ARG);
  h.floats.set(floatArgs);
  h.control[2] = JS_KERNEL_IDS.indexOf(id);
  h.control[3] = 0;
  h.control[4] = mid;
  h.control[5] = total;
  h.control[6] = intArgs.length;
  const job = ++h.job;
  Atomics.store(h.control, 0, job);
  Atomics.notify(h.control, 0);
  let failure: unknown = null;
  try {
    kernel(heap, intArgs, floatArgs, 0, mid);
  } catch (err) {
    failure = err;
  }
  // Wait for the helper's half (also when ours failed: it is still writing into the shared memory).
  for (;;) {
    const done = Atomics.load(h.control, 1);
    if (done === job) break;
    Atomics.wait(h.control, 1, done, 1000);
  }
  if (failure !== null) throw failure;
  if (Atomics.load(h.control, 3) !== 0) throw new Error(`wasm-parallel: the helper thread's part of ${id} failed (see its message on stderr)`);
}
