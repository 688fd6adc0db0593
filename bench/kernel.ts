import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset } from '../src/data/dataset.js';
import { mnistDirectory } from '../src/data/mnist.js';
import type { Bench } from './harness.js';

/** The sizes measured: `KERNEL_BENCH_N=16000,32000 npm run bench -- kernel` picks others. */
const SIZES = (process.env.KERNEL_BENCH_N ?? '4000,8000,16000,32000,60000').split(',').map(Number);

/**
 * Minimum-norm kernel interpolation on n MNIST training images (the seeded subset of
 * `rethink kernel --seed 1`; all 60,000 at n = 60000), Gaussian γ = 0.02 on pixels/255, one-hot
 * targets, no regularization, scored on the 10,000 test images. Each size runs as its own process
 * (so that its peak resident memory is its own): ours is `rethink kernel --solver cg` (float32 K in
 * blocks outside the wasm heap, Nyström-preconditioned CG to relative residual 0.1 on both cores);
 * the reference is numpy/scipy: one float32 Cholesky (OpenBLAS, both cores), run where python3 with
 * numpy and scipy exists and where its K (4n² bytes) fits in the available memory.
 */
export const kernelBench: Bench = {
  description: 'minimum-norm kernel interpolation at 4k … 60k points: ours (blocked, preconditioned CG) vs numpy float32 Cholesky',
  async run() {
    const rows: Record<string, string | number | null>[] = [];
    const notes: string[] = [];
    const bin = join(import.meta.dirname, '../bin/rethink.js');
    const work = mkdtempSync(join(tmpdir(), 'rethink-kernel-bench-'));
    const gb = (b: number): number => Number((b / 1e9).toFixed(2));
    for (const n of SIZES) {
      const load = loadavg()[0] as number;
      // numpy first (its K must fit next to nothing else), on the same seeded subset
      type Reference = { ms: number; testError: number; peakRssBytes: number } | { failed: string };
      let numpy: Reference | null = null;
      const rowsFile = join(work, `rows-${n}.bin`);
      writeFileSync(rowsFile, new Uint8Array(Int32Array.from(loadDataset({ source: 'mnist', n, seed: 1 }).train.indices).buffer)); // the CLI's rows
      if (4 * n * n + 2 ** 30 > freemem()) {
        notes.push(`n = ${n}: numpy not run — its float32 K (${gb(4 * n * n)} GB) and working set do not fit in the ${gb(freemem())} GB available`);
      } else {
        try {
          const out = execFileSync('python3', [join(import.meta.dirname, 'reference/kernel_numpy.py'), mnistDirectory(), String(n), '0.02', 'test', rowsFile], { encoding: 'utf8', maxBuffer: 1 << 20 });
          const parsed = JSON.parse(out) as Reference;
          numpy = parsed;
          if ('failed' in parsed) notes.push(`n = ${n}: numpy ${parsed.failed}`);
        } catch (e) {
          notes.push(`n = ${n}: numpy reference did not run (${(e as Error).message.split('\n')[0]})`);
        }
      }
      const run = spawnSync(process.execPath, [bin, 'kernel', '--n', String(n), '--solver', 'cg', '--seed', '1', '--json'], { encoding: 'utf8', maxBuffer: 1 << 24 });
      if (run.status !== 0) {
        notes.push(`n = ${n}: rethink kernel exited ${run.status}: ${run.stderr.trim().split('\n').pop()}`);
        continue;
      }
      const ours = JSON.parse(run.stdout) as { wallMs: number; iterations: number; testError: number; trainError: number; peakRssBytes: number; peakBytes: number; preconditioner: { s: number; q: number } | null };
      const ref = numpy !== null && !('failed' in numpy) ? numpy : null;
      const ok = ref !== null;
      rows.push({
        n,
        oursMs: ours.wallMs,
        iterations: ours.iterations,
        landmarks: ours.preconditioner?.s ?? null,
        rank: ours.preconditioner?.q ?? null,
        oursTestError: ours.testError,
        oursTrainError: ours.trainError,
        oursPeakRssGB: gb(ours.peakRssBytes),
        plannedGB: gb(ours.peakBytes),
        numpyMs: ok ? Math.round(ref.ms) : null,
        numpyTestError: ok ? ref.testError : null,
        numpyPeakRssGB: ok ? gb(ref.peakRssBytes) : null,
        ratio: ok ? Number((ours.wallMs / ref.ms).toFixed(2)) : null,
        load1: Number(load.toFixed(2)),
      });
    }
    notes.push(`ours: rethink kernel --n N --solver cg --seed 1 --json (wall time of the whole command, data loading included); numpy: kernel + float32 Cholesky + test prediction on the same rows`);
    notes.push(`machine: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; load1 is the 1-minute load average when the size started`);
    notes.push('targets: n = 60,000 with test error ≤ 1.3% (paper 1.2%), training error 0, wall ≤ 15 min, peak RSS ≤ 20 GB');
    return { rows, notes: [...new Set(notes)] };
  },
};
