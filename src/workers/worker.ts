/**
 * The one worker entry of the pool: a job names a module (under the package's dist/) and one of its
 * exports; the worker imports the module (once: imports are cached, so tfjs, its backend and loaded
 * data stay warm across jobs) and calls the export with the job's arguments and a context whose
 * `progress` posts to the caller. Errors come back as values that keep their name (InputError,
 * InterruptedError), which a thrown error crossing the thread boundary would lose.
 */
import type { MessagePort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { compiledModule } from './paths.js';

/** What a job's function receives besides its arguments. */
export interface JobContext {
  /** sends a progress value to the caller (`onProgress` of the run) */
  progress(value: unknown): void;
}

/** The last message on a job's progress port. */
export const END_OF_PROGRESS = '__rethink_end_of_progress__';

/** A job as it crosses to the worker. */
export interface JobMessage {
  module: string;
  export: string;
  args: unknown;
  port?: MessagePort;
}

/** What the worker answers. */
export type JobOutcome = { ok: true; value: unknown } | { ok: false; name: string; message: string; stack?: string; epochsDone?: number };

export default async function runJob(job: JobMessage): Promise<JobOutcome> {
  try {
    const mod = (await import(pathToFileURL(compiledModule(job.module)).href)) as Record<string, unknown>;
    const f = mod[job.export];
    if (typeof f !== 'function') throw new Error(`worker job: ${job.module} has no function export '${job.export}'`);
    const context: JobContext = { progress: (value) => job.port?.postMessage(value) };
    return { ok: true, value: await (f as (args: unknown, context: JobContext) => unknown)(job.args, context) };
  } catch (err) {
    const e = err as Error & { epochsDone?: number };
    return { ok: false, name: e.name ?? 'Error', message: e.message ?? String(err), ...(e.stack !== undefined ? { stack: e.stack } : {}), ...(e.epochsDone !== undefined ? { epochsDone: e.epochsDone } : {}) };
  } finally {
    job.port?.postMessage(END_OF_PROGRESS);
    job.port?.close();
  }
}
