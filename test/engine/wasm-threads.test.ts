import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_WASM_THREADS, THREADS_ENV, defaultWasmThreads, parseThreads } from '../../src/engine/wasm-threads.js';
import { InputError } from '../../src/errors.js';

const run = promisify(execFile);

/**
 * Starts the wasm engine with `threads` threads in a process of its own (the engine is made once per
 * process) and trains an MLP and small AlexNet for a few seeded steps; returns the threads in use
 * and every loss.
 */
async function lossesWith(threads: number): Promise<{ threads: number; note: string | null; losses: number[]; helperJobs: number }> {
  const script = `
    const { startBackend } = await import('./dist/engine/backend.js');
    const { buildModel } = await import('./dist/models/zoo.js');
    const { loadDataset } = await import('./dist/data/dataset.js');
    const { train } = await import('./dist/training/trainer.js');
    const { helperJobs } = await import('./dist/engine/wasm-parallel.js');
    const info = await startBackend('wasm');
    const set = loadDataset({ source: 'synthetic', n: 48, seed: 3, randomization: 'random-labels', test: false }).images('train');
    const losses = [];
    for (const id of ['mlp-1x512', 'small-alexnet', 'small-inception']) {
      const m = buildModel(id, set.shape, { seed: 2 });
      const r = await train(m, set, { lr: 0.01, momentum: 0.9, batchSize: 16, decay: 0.95, decaySteps: 391, weightDecay: 0, dropout: 0, cropPad: 0, epochs: 2, maxSteps: 4, stopWhenFitted: false, seed: 5 }, null, false);
      losses.push(...r.history.map((h) => h.loss));
      m.dispose();
    }
    console.log(JSON.stringify({ threads: info.threads, note: info.threadsNote ?? null, losses, helperJobs: helperJobs() }));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, [THREADS_ENV]: String(threads) },
    timeout: 120_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as { threads: number; note: string | null; losses: number[]; helperJobs: number };
}

describe('the wasm engine on several threads (Node worker_threads)', () => {
  it('starts with the threads asked for, exits by itself, and gives the same losses bit for bit on 1 and 2 threads (MLP, AlexNet, Inception)', async () => {
    const [two, twoAgain, one] = [await lossesWith(2), await lossesWith(2), await lossesWith(1)];
    expect(two.note).toBeNull();
    expect(two.threads).toBe(2);
    expect(one.threads).toBe(1);
    // The JavaScript kernels (max-pool gradient, LRN, sums, BatchNorm) shared work with the helper thread on 2 threads only.
    expect(two.helperJobs).toBeGreaterThan(50);
    expect(one.helperJobs).toBe(0);
    expect(two.losses).toHaveLength(6);
    for (const l of two.losses) expect(Number.isFinite(l)).toBe(true);
    expect(twoAgain.losses).toEqual(two.losses); // same seed and thread count
    expect(one.losses).toEqual(two.losses); // XNNPACK splits outputs, not reductions: independent of the count
  });
});

describe('thread counts', () => {
  const before = process.env[THREADS_ENV];
  afterEach(() => {
    if (before === undefined) delete process.env[THREADS_ENV];
    else process.env[THREADS_ENV] = before;
  });

  it('parses 1 … 8 and refuses anything else by name', () => {
    expect(parseThreads('1', '--threads')).toBe(1);
    expect(parseThreads(String(MAX_WASM_THREADS), '--threads')).toBe(MAX_WASM_THREADS);
    for (const bad of ['0', '9', '1.5', '-1', 'two', '', ' ']) {
      expect(() => parseThreads(bad, THREADS_ENV)).toThrow(InputError);
      expect(() => parseThreads(bad, THREADS_ENV)).toThrow(new RegExp(`${THREADS_ENV} must be a whole number from 1 to 8`));
    }
  });

  it('takes the environment first, and refuses a bad value there', () => {
    process.env[THREADS_ENV] = '3';
    expect(defaultWasmThreads()).toBe(3);
    process.env[THREADS_ENV] = 'many';
    expect(() => defaultWasmThreads()).toThrow(/got 'many'/);
  });
});
