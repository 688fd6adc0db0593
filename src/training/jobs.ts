/**
 * Training as worker-pool jobs (see src/workers/pool.ts): a worker imports this module once, so
 * tfjs and its backend stay loaded across the runs it takes, and the image sources it is handed in
 * shared memory (src/data/shared.ts) are attached once and never read from disk.
 */
import { attachSharedSource, type SharedSource } from '../data/shared.js';
import type { JobContext } from '../workers/worker.js';
import { fit, type FitConfig, type FitResult } from './fit.js';
import type { Progress } from './trainer.js';

/** What a training job reports while it runs: each finished epoch, and (at most 4 times a second) where the epoch stands. */
export type FitProgress = { kind: 'epoch'; record: FitResult['history'][number] } | { kind: 'step'; progress: Progress };

/** A job's arguments: the run, and the sources it may read from shared memory. */
export interface FitJobArgs {
  config: FitConfig;
  data?: readonly SharedSource[];
  /** report step progress too (default false: epochs only) */
  steps?: boolean;
}

/**
 * One run of {@link fit} in a worker; each finished epoch is reported as progress.
 *
 * @example
 * await pool.run({ module: 'training/jobs.js', export: 'fitJob', args: { config, data: [shareDataset('mnist')] } });
 */
export async function fitJob(args: FitConfig | FitJobArgs, context: JobContext): Promise<FitResult> {
  const { config, data, steps } = 'config' in args ? args : { config: args, data: undefined, steps: false };
  for (const shared of data ?? []) attachSharedSource(shared);
  let last = 0;
  return fit(config, {
    onEpoch: (record) => context.progress({ kind: 'epoch', record } satisfies FitProgress),
    ...(steps === true
      ? {
          onProgress: (progress: Progress) => {
            const now = performance.now();
            if (now - last < 250) return;
            last = now;
            context.progress({ kind: 'step', progress } satisfies FitProgress);
          },
        }
      : {}),
  });
}

/**
 * Shares the image sources the runs read (MNIST, each CIFAR-10 directory) once, for {@link FitJobArgs.data}.
 *
 * @example
 * const data = shareSourcesOf(configs); // [SharedSource of MNIST]
 */
export async function shareSourcesOf(configs: readonly Pick<FitConfig, 'data' | 'dataDir'>[]): Promise<SharedSource[]> {
  const { shareDataset } = await import('../data/shared.js');
  const seen = new Map<string, SharedSource>();
  for (const c of configs) {
    if (c.data !== 'mnist' && c.data !== 'cifar10') continue;
    const key = `${c.data}/${c.dataDir ?? ''}`;
    if (!seen.has(key)) seen.set(key, shareDataset(c.data, c.dataDir ?? null));
  }
  return [...seen.values()];
}
