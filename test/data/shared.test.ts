/**
 * MNIST loaded once and shared with worker threads: the bytes live in SharedArrayBuffers, a worker
 * that attaches them reads no file, and what it loads is exactly what the main thread loads; a run
 * on the pool with shared data gives exactly the numbers of the same run in-process.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadDataset } from '../../src/data/dataset.js';
import { isShared, rawSource, shareDataset } from '../../src/data/shared.js';
import { FIT_DEFAULTS, fit } from '../../src/training/fit.js';
import { fitParallel } from '../../src/training/parallel.js';
import { WorkerPool } from '../../src/workers/pool.js';

const pool = new WorkerPool({ threads: 2 });
afterAll(() => pool.destroy());
const jobs = join(import.meta.dirname, '../fixtures/workers/jobs.mjs');

describe('shared image sources', () => {
  test('shareDataset puts the splits in shared memory once; a worker that attaches them loads the same subset', async () => {
    const shared = shareDataset('mnist');
    expect(shared.train.pixels.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.train.n).toBe(60_000);
    expect(shareDataset('mnist')).toBe(shared); // once per process
    expect(isShared('mnist')).toBe(true);
    expect(rawSource('mnist')).toBe(shared);
    expect(shared.moments.mean).toBeCloseTo(0.1307, 4);
    expect(shared.moments.std).toBeCloseTo(0.3081, 4);
    const spec = { source: 'mnist', n: 300, seed: 4, randomization: 'random-labels' as const, test: false };
    const local = loadDataset(spec);
    const probe = await pool.run<{ shared: boolean; fingerprint: string; first: number[] }>({ module: jobs, export: 'sharedProbe', args: { data: [shared], spec } });
    expect(probe.shared).toBe(true);
    expect(probe.fingerprint).toBe(local.fingerprint);
    expect(probe.first).toEqual(Array.from(local.images('train').images.subarray(150, 160)));
  });

  test('a run in a worker thread (shared MNIST) gives exactly the numbers of the same run in-process', async () => {
    const config = { ...FIT_DEFAULTS, data: 'mnist', n: 100, testN: 200, model: 'mlp-1x512' as const, randomization: 'corrupt-labels' as const, p: 0.5, backend: 'wasm' as const, epochs: 4, seed: 8, out: null };
    const [threaded] = await fitParallel([config], 1);
    const local = await fit(config);
    expect(threaded!.history.map((h) => h.loss)).toEqual(local.history.map((h) => h.loss));
    expect(threaded!.testError).toBe(local.testError);
    expect(threaded!.testErrorCorruptedLabels).toBe(local.testErrorCorruptedLabels);
    expect(local.testErrorCorruptedLabels).not.toBeNull();
  });

  test('modelSeed changes the initialisation, not the data; recordExamples reports every training example', async () => {
    const base = { ...FIT_DEFAULTS, data: 'synthetic', n: 40, testN: 20, model: 'mlp-1x512' as const, randomization: 'random-labels' as const, backend: 'wasm' as const, epochs: 1, seed: 2, out: null, recordExamples: true };
    const a = await fit({ ...base, modelSeed: 1 });
    const b = await fit({ ...base, modelSeed: 2 });
    expect(a.dataFingerprint).toBe(b.dataFingerprint);
    expect(a.history[0]!.loss).not.toBe(b.history[0]!.loss);
    expect(a.trainCorrect).toMatch(/^[01]{40}$/);
    expect(a.trainCorrect!.split('').filter((c) => c === '0').length / 40).toBeCloseTo(a.trainError, 12);
    expect((await fit({ ...base, modelSeed: 1 })).history[0]!.loss).toBe(a.history[0]!.loss);
  });
});
