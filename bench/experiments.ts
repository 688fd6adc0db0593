import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { shareDataset } from '../src/data/shared.js';
import { FIT_DEFAULTS, type FitConfig } from '../src/training/fit.js';
import { WorkerPool } from '../src/workers/pool.js';
import type { Bench } from './harness.js';

const root = join(import.meta.dirname, '..');

/** Time for a fresh worker to load a 1,000-image MNIST run's data (train + test views): from the IDX files, and from shared memory. */
async function workerLoadMs(shared: boolean): Promise<number> {
  const pool = new WorkerPool({ threads: 1 });
  try {
    const data = shared ? [shareDataset('mnist')] : [];
    const r = await pool.run<{ ms: number; shared: boolean }>({ module: join(import.meta.dirname, 'jobs.mjs'), export: 'loadTime', args: { data, spec: { source: 'mnist', n: 1000, testN: null, seed: 1, randomization: 'random-labels' } } });
    if (r.shared !== shared) throw new Error('bench: the worker did not read the source it was meant to');
    return r.ms;
  } finally {
    await pool.destroy();
  }
}

/** Wall time of `runs` identical-cost trainings on a pool of `jobs` workers, MNIST shared. */
async function poolMs(jobs: number, configs: FitConfig[]): Promise<number> {
  const data = [shareDataset('mnist')];
  const pool = new WorkerPool({ threads: jobs });
  try {
    await pool.run({ module: 'training/jobs.js', export: 'fitJob', args: { config: { ...configs[0]!, epochs: 1 }, data } }); // warm: tfjs and wasm loaded in a worker
    const t0 = performance.now();
    await pool.runAll(configs.map((config) => ({ module: 'training/jobs.js', export: 'fitJob', args: { config, data } })));
    return performance.now() - t0;
  } finally {
    await pool.destroy();
  }
}

/**
 * The experiments module: a worker's data-load time (IDX files vs shared memory), the pool's
 * throughput with 1 and 2 workers (target ≥ 1.7× with 2 on 2 cores), and the wall time of the quick
 * profile (`rethink reproduce`, 2 workers) with the load average around it. Needs dist/ (npm run build).
 * RETHINK_BENCH_QUICK=0 skips the quick profile (≈ 10–15 min).
 */
export const experimentsBench: Bench = {
  description: 'experiments: worker data load, pool throughput 1 vs 2 workers, quick profile wall time',
  async run() {
    const rows: Record<string, string | number | null>[] = [];
    const notes: string[] = [];
    const fromFiles = await workerLoadMs(false);
    const fromShared = await workerLoadMs(true);
    rows.push({ measure: 'worker data load, MNIST from the IDX files (ms)', value: Math.round(fromFiles), load1: loadavg()[0]! });
    rows.push({ measure: 'worker data load, MNIST attached from shared memory (ms)', value: Math.round(fromShared), load1: loadavg()[0]! });
    // 4 runs of the same cost: random labels, 10 epochs (not fitted before the budget ends).
    const configs: FitConfig[] = [1, 2, 3, 4].map((seed) => ({ ...FIT_DEFAULTS, data: 'mnist', n: 1000, testN: 1000, model: 'mlp-1x512', randomization: 'random-labels', backend: 'wasm', epochs: 10, seed, out: null }));
    const one = await poolMs(1, configs);
    const loadOne = loadavg()[0]!;
    const two = await poolMs(2, configs);
    const loadTwo = loadavg()[0]!;
    rows.push({ measure: 'pool, 4 runs, 1 worker (ms)', value: Math.round(one), load1: loadOne });
    rows.push({ measure: 'pool, 4 runs, 2 workers (ms)', value: Math.round(two), load1: loadTwo });
    notes.push(`pool throughput with 2 workers: ${(one / two).toFixed(2)}× one worker (target ≥ 1.7× on 2 cores; the 1-minute load average was ${loadOne.toFixed(2)} / ${loadTwo.toFixed(2)})`);
    notes.push(`a worker loads a run's MNIST data ${(fromFiles / fromShared).toFixed(1)}× faster from shared memory (${Math.round(fromShared)} ms vs ${Math.round(fromFiles)} ms from the files)`);
    if (process.env.RETHINK_BENCH_QUICK !== '0') {
      const out = mkdtempSync(join(tmpdir(), 'rethink-bench-quick-'));
      const before = loadavg();
      const t0 = performance.now();
      let code = 0;
      try {
        execFileSync(process.execPath, [join(root, 'bin', 'rethink.js'), 'reproduce', '--jobs', '2', '--out', out], { stdio: ['ignore', 'ignore', 'inherit'] });
      } catch (e) {
        code = (e as { status?: number }).status ?? -1;
      }
      const ms = performance.now() - t0;
      const after = loadavg();
      const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { claims: { verdict: string; scale: { expected: boolean } }[] };
      const expected = results.claims.filter((c) => c.scale.expected);
      rows.push({ measure: 'quick profile, rethink reproduce --jobs 2 (s)', value: Math.round(ms / 1000), load1: after[0]! });
      notes.push(`quick profile: ${(ms / 60000).toFixed(1)} min, exit ${code}, ${expected.filter((c) => c.verdict === 'confirmed').length} of ${expected.length} expected claims confirmed; load average before ${before.map((l) => l.toFixed(2)).join(' ')}, after ${after.map((l) => l.toFixed(2)).join(' ')}`);
      rmSync(out, { recursive: true, force: true });
    } else notes.push('quick profile skipped (RETHINK_BENCH_QUICK=0)');
    return { rows, notes };
  },
};
