/**
 * One pool of worker threads for everything that runs in parallel (training runs, kernel blocks,
 * Rademacher draws): jobs are named by module and export — not code strings — workers are reused
 * across jobs (tfjs, its wasm backend and imported data load once per worker), data cross as
 * SharedArrayBuffers without copies, jobs report progress, and a job that throws or a worker that
 * dies rejects its caller at once. Built on piscina.
 */
import { MessageChannel } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { InputError, InterruptedError } from '../errors.js';
import { compiledModule } from './paths.js';
import { THREADS_ENV } from '../engine/wasm-threads.js';
import { END_OF_PROGRESS, type JobMessage, type JobOutcome } from './worker.js';

export type { JobContext } from './worker.js';

/** A job: `export` of `module` (its path under src/, e.g. `training/fit.js`) called with `args`. */
export interface Job {
  readonly module: string;
  readonly export: string;
  readonly args: unknown;
}

/** Options of {@link WorkerPool.run}. */
export interface RunOptions {
  /** receives each value the job sends with `context.progress` */
  onProgress?(value: unknown): void;
  /** aborting it terminates the job's worker and rejects with an InterruptedError */
  signal?: AbortSignal;
}

/** Options of {@link WorkerPool.runAll}. */
export interface RunAllOptions {
  onProgress?(index: number, value: unknown): void;
  /** called as each job finishes (in completion order) */
  onDone?(index: number, value: unknown): void;
  signal?: AbortSignal;
  /** when one job fails, abort the others (default true); without it, the others run to the end and the first failure is thrown then */
  cancelOnFailure?: boolean;
}

/**
 * A pool of worker threads.
 *
 * @example
 * const pool = new WorkerPool({ threads: 2 });
 * const results = await pool.runAll(configs.map((c) => ({ module: 'training/fit.js', export: 'fitJob', args: c })));
 * await pool.close();
 */
export class WorkerPool {
  readonly threads: number;
  private readonly piscina: Piscina<JobMessage, JobOutcome>;

  /**
   * @param options threads (default: the machine's parallelism); idleTimeoutMs before an idle worker
   *   exits (default 30 s); wasmThreads: threads of each worker's wasm engine (default
   *   `RETHINK_WASM_THREADS` when set, else the cores divided among the workers)
   */
  constructor(options: { threads?: number; idleTimeoutMs?: number; wasmThreads?: number } = {}) {
    this.threads = Math.max(1, options.threads ?? availableParallelism());
    this.piscina = new Piscina<JobMessage, JobOutcome>({
      filename: compiledModule('workers/worker.js'),
      minThreads: 0,
      maxThreads: this.threads,
      idleTimeout: options.idleTimeoutMs ?? 30_000,
      // Each worker's wasm engine gets its share of the cores (one thread each when there are as many
      // workers as cores), unless the user set the count for the whole run.
      env: {
        ...process.env,
        [THREADS_ENV]: String(options.wasmThreads ?? (process.env[THREADS_ENV] || Math.max(1, Math.floor(availableParallelism() / this.threads)))),
      },
    });
  }

  /** Runs one job; resolves with its value, rejects with its error (InputError and InterruptedError keep their class). */
  async run<R>(job: Job, options: RunOptions = {}): Promise<R> {
    if (aborted(options.signal)) throw new InterruptedError(0);
    const channel = options.onProgress !== undefined ? new MessageChannel() : null;
    // The worker ends its progress with END_OF_PROGRESS; the result waits for it, so that no message
    // is dropped by closing the port while it is still in flight.
    let drained: Promise<void> = Promise.resolve();
    if (channel !== null) {
      drained = new Promise<void>((resolve) => {
        channel.port1.on('message', (v: unknown) => (v === END_OF_PROGRESS ? resolve() : options.onProgress?.(v)));
        channel.port1.on('close', () => resolve());
      });
    }
    try {
      const outcome = await this.piscina.run(
        { module: job.module, export: job.export, args: job.args, ...(channel !== null ? { port: channel.port2 } : {}) },
        { ...(channel !== null ? { transferList: [channel.port2] } : {}), ...(options.signal !== undefined ? { signal: options.signal } : {}) },
      );
      if (outcome.ok) {
        await drained;
        return outcome.value as R;
      }
      throw revive(outcome);
    } catch (err) {
      // piscina rejects an aborted job with an AbortError (its worker is terminated).
      if (aborted(options.signal) && !(err instanceof InputError)) throw new InterruptedError(0);
      throw err;
    } finally {
      channel?.port1.close();
    }
  }

  /**
   * Runs jobs, at most {@link threads} at a time; values come back in the order of `jobs`. When one
   * fails the others are aborted (unless `cancelOnFailure: false`) and the first failure is thrown
   * once every job has settled.
   */
  async runAll<R>(jobs: readonly Job[], options: RunAllOptions = {}): Promise<R[]> {
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    if (aborted(options.signal)) controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let failure: unknown = null;
    try {
      const settled = await Promise.allSettled(
        jobs.map(async (job, i) => {
          try {
            const value = await this.run<R>(job, { signal: controller.signal, ...(options.onProgress ? { onProgress: (v: unknown) => options.onProgress?.(i, v) } : {}) });
            options.onDone?.(i, value);
            return value;
          } catch (err) {
            if (failure === null) {
              failure = err;
              if (options.cancelOnFailure !== false) controller.abort();
            }
            throw err;
          }
        }),
      );
      if (failure !== null) throw failure;
      return settled.map((r) => (r as PromiseFulfilledResult<R>).value);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Ends the workers (after the jobs in flight). */
  async close(): Promise<void> {
    await this.piscina.close();
  }

  /** Ends the workers now. */
  async destroy(): Promise<void> {
    await this.piscina.destroy();
  }
}

function aborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** A worker's error as the error it was (InputError's subclasses keep its name). */
function revive(outcome: Extract<JobOutcome, { ok: false }>): Error {
  const err = outcome.name === 'InputError'
    ? new InputError(outcome.message)
    : outcome.name === 'InterruptedError'
      ? new InterruptedError(outcome.epochsDone ?? 0)
      : Object.assign(new Error(outcome.message), { name: outcome.name });
  if (outcome.stack !== undefined) err.stack = outcome.stack;
  return err;
}
