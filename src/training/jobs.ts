/**
 * Training as worker-pool jobs (see src/workers/pool.ts): a worker imports this module once, so
 * tfjs and its backend stay loaded across the runs it takes.
 */
import type { JobContext } from '../workers/worker.js';
import { fit, type FitConfig, type FitResult } from './fit.js';

/** What a training job reports while it runs. */
export type FitProgress = { kind: 'epoch'; record: FitResult['history'][number] };

/**
 * One run of {@link fit} in a worker; each finished epoch is reported as progress.
 *
 * @example
 * await pool.run({ module: 'training/jobs.js', export: 'fitJob', args: config });
 */
export async function fitJob(config: FitConfig, context: JobContext): Promise<FitResult> {
  return fit(config, { onEpoch: (record) => context.progress({ kind: 'epoch', record } satisfies FitProgress) });
}
