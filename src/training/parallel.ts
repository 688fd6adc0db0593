/**
 * Independent trainings (different seeds, corruption levels, randomizations) in parallel on the
 * worker pool: one run per worker at a time, each worker with its own tfjs engine and backend
 * instance, reused for the next run. The wasm backend runs single-threaded inside each worker. MNIST
 * (and CIFAR-10) is loaded once here and shared with the workers (src/data/shared.ts).
 */
import { availableParallelism } from 'node:os';
import { WorkerPool } from '../workers/pool.js';
import type { FitConfig, FitResult } from './fit.js';
import { shareSourcesOf } from './jobs.js';

/**
 * Runs the configurations with at most `threads` at a time; results come back in the order of
 * `configs`. Each config should have its own `out` (or none). A failing run stops the others.
 *
 * @param configs the runs
 * @param threads concurrent workers (default: the number of cores)
 * @param onDone called as each run finishes, with its index
 * @param signal aborting it terminates the workers (each run keeps its last checkpoint) and rejects with an InterruptedError
 * @example
 * const results = await fitParallel([a, b, c, d], 2);
 */
export async function fitParallel(configs: FitConfig[], threads = availableParallelism(), onDone?: (index: number, result: FitResult) => void, signal?: AbortSignal): Promise<FitResult[]> {
  const data = await shareSourcesOf(configs);
  const pool = new WorkerPool({ threads: Math.max(1, Math.min(threads, configs.length)) });
  try {
    return await pool.runAll<FitResult>(
      configs.map((config) => ({ module: 'training/jobs.js', export: 'fitJob', args: { config, data } })),
      { ...(onDone !== undefined ? { onDone: (i, r) => onDone(i, r as FitResult) } : {}), ...(signal !== undefined ? { signal } : {}) },
    );
  } finally {
    await pool.destroy();
  }
}
