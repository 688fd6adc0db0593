/**
 * Executing a plan's runs: each in its directory under the results directory, on a pool of worker
 * threads (MNIST or CIFAR-10 loaded once here and shared with the workers) or in this thread. A
 * finished run (its summary.json exists) is kept and only re-read; a run with a checkpoint continues
 * from it; any other starts afresh. A run that fails records why in `failure.json` and the others
 * go on; an interrupt stops them all at a step boundary, keeping their checkpoints. The pool starts
 * the costliest runs first ({@link longestFirst}).
 */
import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { rmSync, writeFileSync } from 'node:fs';
import { acquireLock, type DirectoryLock } from '../cli/lock.js';
import { InputError, InterruptedError } from '../errors.js';
import type { BackendName } from '../engine/names.js';
import { SPLIT_SIZES } from '../data/images.js';
import { SYNTHETIC_TRAIN_N } from '../data/dataset.js';
import { MODELS } from '../models/registry.js';
import type { FitConfig, FitResult } from '../training/fit.js';
import type { FitJobArgs, FitProgress } from '../training/jobs.js';
import { DirectoryRunStore } from '../training/run-store.js';
import type { Plan, PlannedRun } from './plan.js';
import { checkedSummary } from './results.js';

/** What happens while a plan runs, for a progress display. */
export type RunEvent =
  | { kind: 'kept'; run: PlannedRun; result: FitResult }
  | { kind: 'start'; run: PlannedRun; resumedFromEpoch: number | null }
  | { kind: 'epoch'; run: PlannedRun; epoch: number; trainError: number }
  | { kind: 'step'; run: PlannedRun; epoch: number; step: number; stepsInEpoch: number }
  | { kind: 'done'; run: PlannedRun; result: FitResult; ms: number }
  | { kind: 'failed'; run: PlannedRun; message: string };

/** Options of {@link executePlan}. */
export interface ExecuteOptions {
  /** worker threads (default: the number of cores); 0 runs in this thread, one at a time */
  jobs?: number;
  /** only these run indices (default: all) */
  indices?: readonly number[];
  /** the backend for runs that start or continue now (default: the plan's) */
  backend?: BackendName;
  onEvent?(event: RunEvent): void;
  signal?: AbortSignal;
}

/** Where a run stands in its directory. */
export function runState(dir: string, run: PlannedRun): { finished: FitResult | null; checkpointEpoch: number | null } {
  const store = new DirectoryRunStore(join(dir, run.dir));
  const state = store.state();
  if (state.finished) return { finished: checkedSummary(join(dir, run.dir), store.readSummary() ?? {}, store.readConfig(), run), checkpointEpoch: state.checkpointEpoch };
  return { finished: null, checkpointEpoch: state.checkpoint === 'intact' ? state.checkpointEpoch : null };
}

/** The configuration `fit` gets for a run: in its directory, resumed when it has a checkpoint. */
function fitConfigOf(dir: string, run: PlannedRun, checkpointEpoch: number | null, backend: BackendName): FitConfig {
  return { ...run.config, backend, out: join(dir, run.dir), resume: checkpointEpoch !== null, force: true };
}

/**
 * An upper bound on a run's arithmetic: multiply-adds of one forward pass per image (the model
 * registry's count, on 28 × 28 images) × images × epoch budget (epochs a resumed run has done are not
 * subtracted). Only its order matters (see {@link longestFirst}).
 */
export function runCost(config: FitConfig): number {
  const channels = config.data === 'cifar10' ? 3 : 1;
  const n = config.n ?? (config.data === 'cifar10' ? SPLIT_SIZES.cifar10.train : config.data === 'synthetic' ? SYNTHETIC_TRAIN_N : SPLIT_SIZES.mnist.train);
  return MODELS[config.model].macsPerExample([28, 28, channels], 10) * n * config.epochs;
}

/**
 * The runs in the order a pool should start them: the costliest first ({@link runCost}; ties keep
 * the plan's order), so that a long run does not start last and leave the other workers idle
 * (longest-processing-time-first; the quick profile's two small-AlexNet runs take a third of its
 * work). The order changes when a run finishes, never its numbers.
 *
 * @example
 * longestFirst([{ config: mlp }, { config: alexnet }]); // [{ config: alexnet }, { config: mlp }]
 */
export function longestFirst<T extends { config: FitConfig }>(runs: readonly T[]): T[] {
  return runs.map((r) => ({ r, cost: runCost(r.config) })).sort((a, b) => b.cost - a.cost).map(({ r }) => r);
}

/**
 * Calls `fn` on the items in their order with at most `concurrency` calls in flight: each call
 * starts when one before it ends. After `stop()` turns true, or a call throws (which is rethrown),
 * no further call starts.
 *
 * @returns how many calls were started
 * @example
 * await inOrder(runs, 2, runOne, () => signal.aborted); // two at a time, in the runs' order
 */
export async function inOrder<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>, stop: () => boolean = () => false): Promise<number> {
  let next = 0;
  let failed = false;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
      while (next < items.length && !failed && !stop()) {
        try {
          await fn(items[next++]!);
        } catch (err) {
          failed = true;
          throw err;
        }
      }
    }),
  );
  return next;
}

/**
 * Runs the plan's runs that are not finished.
 *
 * @param plan the plan
 * @param dir the results directory (where plan.json is)
 * @returns each run's result by index (failed runs absent)
 * @throws InterruptedError when the signal aborts (finished runs and checkpoints are kept); InputError for data that cannot be loaded (before any run starts)
 */
export async function executePlan(plan: Plan, dir: string, options: ExecuteOptions = {}): Promise<Map<number, FitResult>> {
  const backend = options.backend ?? plan.backend;
  const chosen = options.indices === undefined ? plan.runs : options.indices.map((i) => plan.runs[i] as PlannedRun);
  const results = new Map<number, FitResult>();
  const todo: { run: PlannedRun; config: FitConfig; from: number | null }[] = [];
  for (const run of chosen) {
    const state = runState(dir, run);
    if (state.finished !== null) {
      results.set(run.index, state.finished);
      options.onEvent?.({ kind: 'kept', run, result: state.finished });
    } else todo.push({ run, config: fitConfigOf(dir, run, state.checkpointEpoch, backend), from: state.checkpointEpoch });
  }
  if (todo.length === 0) return results;
  const record = (run: PlannedRun, err: unknown): void => {
    const message = (err as Error).message ?? String(err);
    try {
      writeFileSync(join(dir, run.dir, 'failure.json'), JSON.stringify({ name: (err as Error).name ?? 'Error', message }, null, 2) + '\n');
    } catch {
      // the directory could not be made: the message still goes to the display
    }
    options.onEvent?.({ kind: 'failed', run, message });
  };
  const jobs = options.jobs ?? availableParallelism();
  if (jobs === 0) {
    const { fit } = await import('../training/fit.js');
    for (const { run, config, from } of todo) {
      if (options.signal?.aborted === true) throw new InterruptedError(0);
      rmSync(join(dir, run.dir, 'failure.json'), { force: true });
      options.onEvent?.({ kind: 'start', run, resumedFromEpoch: from });
      const t0 = performance.now();
      try {
        const result = await fit(config, { ...(options.signal !== undefined ? { signal: options.signal } : {}), onEpoch: (r) => options.onEvent?.({ kind: 'epoch', run, epoch: r.epoch, trainError: r.trainError }) });
        results.set(run.index, result);
        options.onEvent?.({ kind: 'done', run, result, ms: performance.now() - t0 });
      } catch (err) {
        if (err instanceof InterruptedError) throw err;
        record(run, err);
      }
    }
    return results;
  }
  const { shareSourcesOf } = await import('../training/jobs.js');
  const { WorkerPool } = await import('../workers/pool.js');
  const data = await shareSourcesOf(todo.map((t) => t.config)); // a bad CIFAR-10 directory fails here, before any run
  const pool = new WorkerPool({ threads: Math.max(1, Math.min(jobs, todo.length)) });
  if (options.signal !== undefined) setMaxListeners(todo.length + 10, options.signal); // one listener per queued run
  let interrupted = false;
  // The pool is handed one run per free worker, in longestFirst's order: given them all at once it
  // started them out of that order (measured: the quick profile's third costliest run began two
  // thirds of the way through, and the pool's other worker idled while it finished).
  const queue = longestFirst(todo); // handed to the pool one per free worker (inOrder)
  const runOne = async ({ run, config, from }: (typeof todo)[number]): Promise<void> => {
    const t0 = { value: 0 };
    let lock: DirectoryLock | null = null;
    try {
      // One writer per run directory: a `rethink run --plan … --index i` on the same run holds it too.
      lock = acquireLock(join(dir, run.dir), `rethink reproduce (run ${run.index} of ${dir})`, () => {}, 'the run directory');
      const args: FitJobArgs = { config, data, steps: true };
      let started = false;
      const start = (): void => {
        if (started) return;
        started = true;
        t0.value = performance.now();
        rmSync(join(dir, run.dir, 'failure.json'), { force: true });
        options.onEvent?.({ kind: 'start', run, resumedFromEpoch: from });
      };
      const result = await pool.run<FitResult>(
        { module: 'training/jobs.js', export: 'fitJob', args },
        {
          ...(options.signal !== undefined ? { signal: options.signal } : {}),
          onProgress: (v) => {
            start();
            const p = v as FitProgress;
            if (p.kind === 'epoch') options.onEvent?.({ kind: 'epoch', run, epoch: p.record.epoch, trainError: p.record.trainError });
            else options.onEvent?.({ kind: 'step', run, epoch: p.progress.epoch, step: p.progress.step, stepsInEpoch: p.progress.stepsInEpoch });
          },
        },
      );
      start();
      results.set(run.index, result);
      options.onEvent?.({ kind: 'done', run, result, ms: performance.now() - t0.value });
    } catch (err) {
      if (err instanceof InterruptedError || options.signal?.aborted === true) {
        interrupted = true;
        return;
      }
      if (err instanceof InputError && /cannot start|is missing: worker threads run the compiled package/.test(err.message)) throw err; // the environment, not the run
      // A run another process is writing: said, but nothing is written into its directory.
      if (lock === null) options.onEvent?.({ kind: 'failed', run, message: (err as Error).message ?? String(err) });
      else record(run, err);
    } finally {
      lock?.release();
    }
  };
  try {
    const started = await inOrder(queue, pool.threads, runOne, () => interrupted || options.signal?.aborted === true);
    if (started < queue.length) interrupted = true; // runs left unstarted: only an abort stops them early without an error
  } finally {
    await pool.destroy();
  }
  if (interrupted) throw new InterruptedError(0);
  return results;
}
