/**
 * The kernel solver's worker side, as a job of the project's worker pool (src/workers/pool.ts): it
 * attaches the shared kernel data (K's blocks, X, the product buffers), starts its tfjs wasm backend
 * once per worker, uploads X's tiles, and then runs its share of every phase the solver opens —
 * building K, the products K·V, the test scores — taking items from the shared counter until the
 * phase is closed or exhausted, until the solver tells it to end (see kernel-blocks.ts for the
 * protocol, {@link KernelThreads} for the caller's side).
 */
import * as tf from '@tensorflow/tfjs';
import { startBackend } from '../engine/backend.js';
import { KernelControl, KernelEngine, type KernelShareReport, type SharedKernelData } from './kernel-blocks.js';

/** The job's arguments: the shared kernel data of one solve. */
export interface KernelShareArgs {
  readonly shared: SharedKernelData;
}

let wasmStarted: Promise<unknown> | null = null;

/** Starts the wasm backend once per worker, and makes it current again if another job switched. */
async function wasmEngine(): Promise<void> {
  wasmStarted ??= startBackend('wasm').catch((err: unknown) => {
    wasmStarted = null; // a later job tries again
    throw err;
  });
  await wasmStarted;
  if (tf.getBackend() !== 'wasm') await tf.setBackend('wasm');
}

/**
 * Runs the worker's share of a kernel solve's phases until the solver ends it; a job started after
 * the solve ended returns at once.
 *
 * @param args the solve's shared kernel data
 * @returns the work items this worker took, over all phases
 * @example
 * await pool.run({ module: 'implicit/kernel-jobs.js', export: 'kernelShareJob', args: { shared } });
 */
export async function kernelShareJob(args: KernelShareArgs): Promise<KernelShareReport> {
  const control = new KernelControl(args.shared);
  if (control.quitting) return { items: 0 }; // queued until the solve had ended
  await wasmEngine();
  const engine = KernelEngine.start(args.shared);
  let items = 0;
  try {
    for (let seen = 0; ; ) {
      seen = await control.next(seen);
      if (control.quitting) return { items };
      items += await engine.runShare(control.task, seen);
    }
  } finally {
    engine.dispose();
  }
}
