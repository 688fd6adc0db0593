/**
 * The helper thread of src/engine/wasm-parallel.ts: waits on the shared control block for a job,
 * claims it (compare-exchange, so that a caller that gave up on it and the helper never both run it),
 * runs its half of the kernel over the engine's shared memory, and posts the job number back.
 */
import { workerData } from 'node:worker_threads';
import { JS_KERNELS, JS_KERNEL_IDS } from './js-kernels.js';
import { kernelsIn, type WasmMemory } from './wasm-module.js';

/** The engine's WebAssembly.Memory, as far as the kernels use it (its buffer; replaced when the memory grows). */
interface SharedMemory {
  readonly buffer: ArrayBufferLike;
}

// The control block's layout is CONTROL in wasm-parallel.ts (not imported: that module loads tfjs).
const POSTED = 0;
const DONE = 1;
const KERNEL = 2;
const ERROR = 3;
const FROM = 4;
const TO = 5;
const ARGC = 6;
const READY = 7;
const CLAIMED = 8;
const HEAP_LENGTH = 9;
const ARGS = 16;

const { memory, control: controlBuffer, floats: floatBuffer } = workerData as { memory: SharedMemory; control: SharedArrayBuffer; floats: SharedArrayBuffer };
// The project's WebAssembly module, instantiated in the engine's memory on this thread too (the
// memory is the engine's shared WebAssembly.Memory whenever a helper runs).
const wasm = kernelsIn(memory as WasmMemory);
const control = new Int32Array(controlBuffer);
const floats = new Float64Array(floatBuffer);
let seen = 0;
Atomics.store(control, READY, 1); // the calling thread may hand it work from now on
for (;;) {
  Atomics.wait(control, POSTED, seen);
  const job = Atomics.load(control, POSTED);
  if (job === seen) continue;
  seen = job;
  const previous = Atomics.load(control, CLAIMED);
  if (Atomics.compareExchange(control, CLAIMED, previous, job) !== previous || previous === job) continue; // the caller took it back
  try {
    const id = JS_KERNEL_IDS[control[KERNEL]!];
    if (id === undefined) throw new Error(`unknown kernel index ${control[KERNEL]}`);
    const heap = new Float32Array(memory.buffer);
    if (heap.length < control[HEAP_LENGTH]!) throw new Error(`the shared memory looks ${heap.length} floats long here and ${control[HEAP_LENGTH]} to the caller`);
    JS_KERNELS[id](heap, control.slice(ARGS, ARGS + control[ARGC]!), floats.slice(), control[FROM]!, control[TO]!, wasm);
  } catch (err) {
    process.stderr.write(`rethink wasm helper thread: ${(err as Error).stack ?? String(err)}\n`);
    Atomics.store(control, ERROR, 1);
  }
  Atomics.store(control, DONE, job);
  Atomics.notify(control, DONE);
}
