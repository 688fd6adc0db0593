/**
 * The helper thread of src/engine/wasm-parallel.ts: waits on the shared control block for a job
 * number, runs its half of the kernel over the engine's shared memory, and posts the job number back.
 */
import { workerData } from 'node:worker_threads';
import { JS_KERNELS, JS_KERNEL_IDS } from './js-kernels.js';

/** The engine's WebAssembly.Memory, as far as the kernels use it (its buffer; replaced when the memory grows). */
interface SharedMemory {
  readonly buffer: ArrayBufferLike;
}

const { memory, control: controlBuffer, floats: floatBuffer } = workerData as { memory: SharedMemory; control: SharedArrayBuffer; floats: SharedArrayBuffer };
const control = new Int32Array(controlBuffer);
const floats = new Float64Array(floatBuffer);
let seen = 0;
Atomics.store(control, 7, 1); // ready: the calling thread may hand it work from now on
for (;;) {
  Atomics.wait(control, 0, seen);
  const job = Atomics.load(control, 0);
  if (job === seen) continue;
  seen = job;
  try {
    const id = JS_KERNEL_IDS[control[2]!]!;
    const ints = control.slice(8, 8 + control[6]!);
    JS_KERNELS[id](new Float32Array(memory.buffer), ints, floats.slice(), control[4]!, control[5]!);
  } catch (err) {
    process.stderr.write(`rethink wasm helper thread: ${(err as Error).stack ?? String(err)}\n`);
    Atomics.store(control, 3, 1);
  }
  Atomics.store(control, 1, job);
  Atomics.notify(control, 1);
}
