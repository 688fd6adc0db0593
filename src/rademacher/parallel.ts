import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SparseRows } from '../data/matrix.js';

/**
 * Runs the positive-row accumulation (see signedRowSums) for a batch of draws on two threads: a
 * worker takes the second half of the draws, the calling thread the first, and the caller blocks on
 * Atomics.wait until the worker is done — so the oracle stays synchronous. Each draw is computed
 * exactly as on one thread, so results are bit-identical.
 *
 * The worker's code is inline JavaScript (a copy of the kernel below), so it runs the same from the
 * compiled package and from the TypeScript sources under vitest.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ rowPtr, cols, values, sigma, out, flag, n, d, t0, t1 }) => {
  const acc = new Float64Array(d);
  for (let t = t0; t < t1; t++) {
    acc.fill(0);
    const so = t * n;
    for (let i = 0; i < n; i++) {
      if (sigma[so + i] !== 1) continue;
      const end = rowPtr[i + 1];
      for (let p = rowPtr[i]; p < end; p++) acc[cols[p]] += values[p];
    }
    out.set(acc, t * d);
  }
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

/** Below this many row additions the worker's start-up (tens of ms) is not worth it. */
export const PARALLEL_MIN_WORK = 5e7;

/** Whether two threads pay off for this much work on this machine. */
export function parallelWorthIt(work: number): boolean {
  return work >= PARALLEL_MIN_WORK && availableParallelism() > 1;
}

/**
 * out (m, d) ← Σ_{i: σ_ti = +1} x_i for each draw t, the draws split between this thread and a worker.
 * `kernel` is this thread's implementation of the same loop; `rows` must live in SharedArrayBuffers
 * (compressRows with `shared: true`).
 */
export function accumulateInParallel(
  rows: SparseRows,
  sigma: Int8Array,
  m: number,
  n: number,
  d: number,
  kernel: (out: Float64Array, sigma: Int8Array, m: number) => void,
): Float64Array {
  const out = new Float64Array(new SharedArrayBuffer(m * d * 8)); // (m, d)
  const sharedSigma = new Int8Array(new SharedArrayBuffer(sigma.byteLength));
  sharedSigma.set(sigma);
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const mid = Math.floor(m / 2);
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  worker.unref();
  let failure: unknown = null;
  worker.on('error', (err) => {
    failure = err;
    Atomics.store(flag, 0, 2);
    Atomics.notify(flag, 0);
  });
  worker.postMessage({ ...rows, sigma: sharedSigma, out, flag, n, d, t0: mid, t1: m });
  kernel(out.subarray(0, mid * d), sharedSigma.subarray(0, mid * n), mid);
  while (Atomics.load(flag, 0) === 0) Atomics.wait(flag, 0, 0, 1000);
  void worker.terminate();
  if (Atomics.load(flag, 0) !== 1) throw new Error(`parallel accumulation: the worker failed (${String(failure)})`);
  return out;
}
