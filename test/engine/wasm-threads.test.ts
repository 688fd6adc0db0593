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
    // MNIST: its background makes the MLP's first layer take the sparse products (shared-memory build on 2 threads, unshared on 1)
    const set = loadDataset({ source: 'mnist', n: 48, seed: 3, randomization: 'random-labels', test: false }).images('train');
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

/**
 * Every JavaScript kernel on 2 threads (the helper thread takes half of the range) against the same
 * kernel on one, on the same random inputs with odd sizes, in a process of its own: bit for bit.
 */
async function splitAgainstWhole(): Promise<{ kernel: string; same: boolean; elements: number }[] & { helperJobs?: number }> {
  const script = `
    const tf = await import('@tensorflow/tfjs');
    const { startBackend } = await import('./dist/engine/backend.js');
    const { runKernel, helperJobs } = await import('./dist/engine/wasm-parallel.js');
    const { JS_KERNELS } = await import('./dist/engine/js-kernels.js');
    const { kernelsIn } = await import('./dist/engine/wasm-module.js');
    const info = await startBackend('wasm');
    if (info.threads !== 2) throw new Error('expected 2 threads, got ' + info.threads);
    await new Promise((r) => setTimeout(r, 300)); // the helper thread signs in
    const be = tf.backend();
    const at = (t) => be.dataIdMap.get(t.dataId).memoryOffset / 4;
    const heap = () => new Float32Array(be.wasm.wasmMemory.buffer);
    const wasm = kernelsIn(be.wasm.wasmMemory); // the module, for the kernels whose body is there (the helper has its own instance)
    const rnd = (shape, seed, shift = 0) => tf.add(tf.randomNormal(shape, 0, 1, 'float32', seed), shift);
    const zeros = (shape) => tf.add(tf.zeros(shape), 0);
    const out = [];
    const check = (kernel, ints, floats, total, work, outputs) => {
      const split = outputs.map(([a]) => a), whole = outputs.map(([, b]) => b);
      runKernel(kernel, ints(split), floats, total, work, wasm);
      JS_KERNELS[kernel](heap(), Int32Array.from(ints(whole)), Float64Array.from(floats), 0, total, wasm);
      const a = split.flatMap((t) => Array.from(t.dataSync())), b = whole.flatMap((t) => Array.from(t.dataSync()));
      out.push({ kernel, same: a.length === b.length && a.every((v, i) => Object.is(v, b[i])), elements: a.length });
    };
    const two = (shape) => [zeros(shape), zeros(shape)];
    { // max-pool gradient: 7 images of 13×13×64, 3×3 windows, stride 2
      const x = rnd([7, 13, 13, 64], 1), dy = rnd([7, 6, 6, 64], 2);
      check('maxPoolGrad', ([dx]) => [at(x), at(dy), at(dx), 7, 13, 13, 64, 6, 6, 2, 2, 3, 3, 0, 0], [], 7, 13 * 13 * 64, [two([7, 13, 13, 64])]);
    }
    { // and with 6 channels (four at a time, then two one by one), 'same' padding: 7 images of 13×13×6
      const x = rnd([7, 13, 13, 6], 11), dy = rnd([7, 7, 7, 6], 12);
      check('maxPoolGrad', ([dx]) => [at(x), at(dy), at(dx), 7, 13, 13, 6, 7, 7, 2, 2, 3, 3, 1, 1], [], 7, 13 * 13 * 6 * 8, [two([7, 13, 13, 6])]); // work stated 8× so that it is split
    }
    const x = rnd([7, 13, 13, 32], 3), y = rnd([7, 13, 13, 32], 4), dy = rnd([7, 13, 13, 32], 5);
    check('lrn', ([o]) => [at(x), at(o), 32, 4], [1, 0.3, 0.75], 7 * 169, 32, [two([7, 13, 13, 32])]);
    check('lrnGrad', ([o]) => [at(x), at(y), at(dy), at(o), 32, 3], [2, 0.2, 0.6], 7 * 169, 32, [two([7, 13, 13, 32])]);
    const scratch = zeros([2 * 2 * (3 * 32 + 2)]); // the module's LRN (β = 3/4, 1/2), each thread in its own half
    check('lrn', ([o]) => [at(x), at(o), 32, 4, at(scratch)], [1, 0.3, 0.75], 7 * 169, 32, [two([7, 13, 13, 32])]);
    check('lrnGrad', ([o]) => [at(x), at(y), at(dy), at(o), 32, 3, at(scratch)], [2, 0.2, 0.5], 7 * 169, 32, [two([7, 13, 13, 32])]);
    const src = rnd([333, 101], 6);
    check('sumLeading', ([o]) => [at(src), at(o), 333, 101], [], 101, 333, [two([101])]);
    const z = rnd([999, 37], 7, 0.5), g = rnd([37], 8, 1), b = rnd([37], 9), d = rnd([999, 37], 10);
    check('bnStats', ([m, v, i]) => [at(z), at(m), at(v), at(i), 999, 37], [1e-3], 37, 999, [two([37]), two([37]), two([37])]);
    const mean = zeros([37]), variance = zeros([37]), inv = zeros([37]);
    JS_KERNELS.bnStats(heap(), Int32Array.from([at(z), at(mean), at(variance), at(inv), 999, 37]), Float64Array.from([1e-3]), 0, 37);
    check('bnApply', ([yy, h]) => [at(z), at(mean), at(inv), at(g), at(b), at(yy), at(h), 37], [], 999, 37, [two([999, 37]), two([999, 37])]);
    const h = zeros([999, 37]), yy = zeros([999, 37]);
    JS_KERNELS.bnApply(heap(), Int32Array.from([at(z), at(mean), at(inv), at(g), at(b), at(yy), at(h), 37]), new Float64Array(0), 0, 999);
    check('bnGradSums', ([dg, db]) => [at(d), at(h), at(g), at(b), at(dg), at(db), 999, 37], [], 37, 999, [two([37]), two([37])]);
    const dg = zeros([37]), db = zeros([37]);
    JS_KERNELS.bnGradSums(heap(), Int32Array.from([at(d), at(h), at(g), at(b), at(dg), at(db), 999, 37]), new Float64Array(0), 0, 37);
    check('bnGradApply', ([dz]) => [at(d), at(h), at(g), at(b), at(inv), at(dg), at(db), at(dz), 999, 37], [], 999, 37, [two([999, 37])]);
    console.log(JSON.stringify({ out, helperJobs: helperJobs() }));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, [THREADS_ENV]: '2' }, timeout: 120_000 });
  const r = JSON.parse(stdout.trim().split('\n').pop()!) as { out: { kernel: string; same: boolean; elements: number }[]; helperJobs: number };
  return Object.assign(r.out, { helperJobs: r.helperJobs });
}

describe('each JavaScript kernel split between two threads = the kernel on one', () => {
  it('max-pool gradient, LRN and its gradient, leading-axes sum, and the four BatchNorm passes, bit for bit, with the helper thread doing half', async () => {
    const results = await splitAgainstWhole();
    expect(results.map((r) => r.kernel)).toEqual(['maxPoolGrad', 'maxPoolGrad', 'lrn', 'lrnGrad', 'lrn', 'lrnGrad', 'sumLeading', 'bnStats', 'bnApply', 'bnGradSums', 'bnGradApply']);
    for (const r of results) {
      expect(r.same, r.kernel).toBe(true);
      expect(r.elements, r.kernel).toBeGreaterThan(30);
    }
    expect(results.helperJobs).toBe(results.length); // every one of them was split
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
