/**
 * The blocked, preconditioned kernel solver (K float32 in shared blocks outside the wasm heap, both
 * threads, Nyström preconditioner, CG from α = 0) against the exact float64 Cholesky solve; the
 * minimum-norm property where K is singular; checkpoints; the memory plan and bad input.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadDataset } from '../../src/data/dataset.js';
import { startBackend } from '../../src/engine/backend.js';
import { InputError, InterruptedError } from '../../src/errors.js';
import { kernelInterpolate } from '../../src/implicit/kernel.js';
import { KERNEL_CHECKPOINT_FILE } from '../../src/implicit/kernel-checkpoint.js';
import { estimateSolveMs, fastKernelBytes, kernelInterpolateFast, kernelInterpolateFastSets, largestFastN, type FastKernelOptions } from '../../src/implicit/kernel-fast.js';
import { WorkerPool } from '../../src/workers/pool.js';

const n = 600;
const ds = loadDataset({ source: 'mnist', n, testN: 300, seed: 2 });
const [X, labels] = [ds.matrix('train'), ds.train.labels];
const X64 = { rows: n, cols: 784, data: X.data.map((v) => v / 255) };
const X32 = Float32Array.from(X64.data);
const Z32 = Float32Array.from(ds.matrix('test').data, (v) => v / 255);
const kernel = { kind: 'gaussian', gamma: 0.02 } as const;
const small = { s: 150, q: 120 };
const tmp = mkdtempSync(join(tmpdir(), 'rethink-kernel-'));

beforeAll(async () => {
  await startBackend('wasm');
});

/** ‖a − b‖/‖b‖ */
function relativeDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let s = 0;
  for (let t = 0; t < b.length; t++) {
    d += ((a[t] as number) - (b[t] as number)) ** 2;
    s += (b[t] as number) ** 2;
  }
  return Math.sqrt(d / s);
}

async function solve(options: Partial<FastKernelOptions>, x = X32, y: ArrayLike<number> = labels, m = n) {
  const f = await kernelInterpolateFast(x, y, m, 784, { kernel, preconditioner: small, ...options });
  f.dispose();
  return f;
}

describe('blocked, preconditioned kernel interpolation (float32 K outside the wasm heap, CG from α = 0)', () => {
  test('converges to the exact minimum-norm interpolant: α, RKHS norm and test predictions agree with float64 Cholesky', async () => {
    const exact = kernelInterpolate(X64, labels, { kernel, solver: 'cholesky' });
    const f = await solve({ tol: 1e-5, test: { Z: Z32, m: 300 } });
    expect(f.relativeResidual).toBeLessThanOrEqual(1e-5);
    expect(f.trainError).toBe(0);
    expect(relativeDiff(f.alpha, exact.alpha)).toBeLessThan(5e-3);
    expect(f.rkhsNorm / exact.rkhsNorm).toBeCloseTo(1, 5);
    const scores = exact.predict({ rows: 300, cols: 784, data: Float64Array.from(Z32) });
    const exactPredictions = Array.from({ length: 300 }, (_, r) => {
      let best = 0;
      for (let c = 1; c < 10; c++) if (scores[r * 10 + c]! > scores[r * 10 + best]!) best = c;
      return best;
    });
    expect(Array.from(f.testPredictions!)).toEqual(exactPredictions);
    const again = await kernelInterpolateFast(X32, labels, n, 784, { kernel, preconditioner: small, tol: 1e-5 });
    expect(Array.from(await again.predict(Z32, 300))).toEqual(exactPredictions); // one thread, after the solve
    again.dispose();
  });

  test('the preconditioner cuts the iterations (to ≤ 1/2 of plain CG) and does not move the limit', async () => {
    const plain = await solve({ tol: 1e-3, preconditioner: null });
    const pre = await solve({ tol: 1e-3 });
    expect(pre.preconditioner).toMatchObject({ s: 150, q: 120 });
    expect(pre.preconditioner!.minEigenvalue).toBeGreaterThan(0);
    expect(pre.preconditioner!.orthogonalityError).toBeLessThan(1e-2);
    expect(pre.iterations * 2).toBeLessThanOrEqual(plain.iterations); // measured: 20 vs 59
    expect(relativeDiff(pre.alpha, plain.alpha)).toBeLessThan(0.05);
    expect(pre.rkhsNorm / plain.rkhsNorm).toBeCloseTo(1, 3);
  });

  test('stops at the requested residual, which a float64 recomputation on seeded rows confirms', async () => {
    for (const tol of [0.1, 0.01]) {
      const f = await solve({ tol, checkRows: 100, seed: 7 });
      expect(f.relativeResidual).toBeLessThanOrEqual(tol);
      expect(f.residualCheck).toMatchObject({ rows: 100, seed: 7, float64TrainError: 0 });
      expect(f.residualCheck.maxAbsDifference).toBeLessThan(1e-4);
      expect(Math.abs(f.residualCheck.float64RelativeResidual - f.residualCheck.float32RelativeResidual)).toBeLessThan(1e-4);
      expect(f.residualCheck.float64RelativeResidual).toBeLessThan(2 * tol);
    }
  });

  test('minimum norm where K is singular: a duplicated point shares its weight equally (α = K⁺Y), and the function is the deduplicated one', async () => {
    const m = 300;
    const base = X32.subarray(0, m * 784);
    const dup = new Float32Array((m + 20) * 784);
    dup.set(base);
    for (let t = 0; t < 20; t++) dup.set(base.subarray(t * 784, (t + 1) * 784), (m + t) * 784); // rows m … m+19 repeat rows 0 … 19
    const dupLabels = Uint8Array.from({ length: m + 20 }, (_, i) => labels[i < m ? i : i - m]!);
    const f = await solve({ tol: 1e-4, preconditioner: { s: 100, q: 80 } }, dup, dupLabels, m + 20);
    const g = await solve({ tol: 1e-4, preconditioner: { s: 100, q: 80 } }, base, labels.subarray(0, m), m);
    expect(f.trainError).toBe(0);
    let split = 0;
    let scale = 0;
    const summed = new Float64Array(20 * 10);
    for (let t = 0; t < 20; t++) {
      for (let c = 0; c < 10; c++) {
        const a = f.alpha[t * 10 + c]!;
        const b = f.alpha[(m + t) * 10 + c]!;
        split = Math.max(split, Math.abs(a - b));
        scale = Math.max(scale, Math.abs(a));
        summed[t * 10 + c] = a + b;
      }
    }
    expect(split / scale).toBeLessThan(1e-3); // equal halves: the minimum-ℓ2 split
    expect(relativeDiff(summed, g.alpha.subarray(0, 200))).toBeLessThan(2e-2); // together: the deduplicated weight
    expect(f.rkhsNorm / g.rkhsNorm).toBeCloseTo(1, 3);
  });

  test('several label sets share one K and one iteration, each as if solved alone', async () => {
    const shuffled = Uint8Array.from(labels, (_, i) => labels[(i * 7) % n]!);
    const both = await kernelInterpolateFastSets(X32, [labels, shuffled], n, 784, { kernel, preconditioner: small, tol: 1e-4 });
    both.dispose();
    const alone = await solve({ tol: 1e-4 }, X32, shuffled);
    expect(both.sets).toHaveLength(2);
    expect(both.sets[1]!.trainError).toBe(0);
    expect(both.sets[1]!.rkhsNorm / alone.rkhsNorm).toBeCloseTo(1, 3);
    expect(both.sets[1]!.rkhsNorm).toBeGreaterThan(both.sets[0]!.rkhsNorm);
  });

  test('an interrupted solve resumes from its checkpoint and ends exactly where an uninterrupted one does', async () => {
    const dir = join(tmp, 'resume');
    const controller = new AbortController();
    const options = { tol: 1e-4, checkpoint: dir };
    await expect(
      solve({ ...options, signal: controller.signal, onProgress: (p) => p.phase === 'solve' && p.done === 3 && controller.abort() }),
    ).rejects.toThrow(InterruptedError);
    const resumed = await solve(options);
    expect(resumed.resumedFrom).toBe(3);
    const straight = await solve({ tol: 1e-4 });
    expect(resumed.iterations).toBe(straight.iterations);
    expect(Array.from(resumed.alpha)).toEqual(Array.from(straight.alpha));
    // Another seed (another n, γ, …) is refused in one line; a damaged file is named.
    await expect(solve({ ...options, seed: 5 })).rejects.toThrow(/the checkpoint in .*resume is from another run \(n = 600, γ = 0.02, seed 1, .*\); this run has n = 600, γ = 0.02, seed 5, .*delete .*kernel-checkpoint.bin to start over/);
    const file = join(dir, KERNEL_CHECKPOINT_FILE);
    const bytes = readFileSync(file);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
    writeFileSync(file, bytes);
    await expect(solve(options)).rejects.toThrow(/checkpoint .*kernel-checkpoint.bin is damaged \(its bytes do not match the stored SHA-256\)/);
  });

  test('memory is planned before allocating, with the largest n that fits; bad input is named', async () => {
    await expect(solve({ memoryBudget: 500_000 })).rejects.toThrow(/n = 600 needs \d+\.\d+ [MG]iB of memory .* the largest n that fits is \d+/);
    const largest = largestFastN(4e9, 784, 10_000);
    expect(fastKernelBytes(largest, 784, 10_000)).toBeLessThanOrEqual(4e9);
    expect(fastKernelBytes(largest + 1, 784, 10_000)).toBeGreaterThan(4e9);
    expect(fastKernelBytes(60_000, 784, 10_000)).toBeGreaterThan(4 * 60_000 ** 2); // K alone is 14.4 GB
    expect(fastKernelBytes(60_000, 784, 10_000)).toBeLessThan(20e9);
    await expect(solve({ kernel: { kind: 'gaussian', gamma: 0 } })).rejects.toThrow(/γ must be positive/);
    await expect(solve({ preconditioner: { s: 700, q: 10 } })).rejects.toThrow(/s = 700 landmarks and rank q = 10 at n = 600: need 2 ≤ s ≤ n and 1 ≤ q < s/);
    const bad = X32.slice();
    bad[784 * 5 + 3] = NaN;
    await expect(solve({}, bad)).rejects.toThrow(InputError);
    await expect(solve({}, bad)).rejects.toThrow(/X\[5\]\[3\] is NaN; the data must be finite/);
  });

  test('the time left is estimated from the residual\'s rate and the iterations\' pace', () => {
    // residual ×0.5 per iteration, 2 s per iteration: from 0.08 to 0.01 is 3 more iterations
    expect(estimateSolveMs([0.64, 0.32, 0.16, 0.08], [0, 2000, 4000, 6000], 0.01)).toBeCloseTo(6000, 6);
    expect(estimateSolveMs([0.5], [0], 0.01)).toBeNull();
    expect(estimateSolveMs([0.5, 0.6], [0, 1000], 0.01)).toBeNull(); // not falling
  });
});

describe('the second thread is a job of the worker pool', () => {
  // 2,000 points: two blocks of rows, so K has three tiles and each product two blocks to share.
  const n2 = 2000;
  const ds2 = loadDataset({ source: 'mnist', n: n2, testN: 1, seed: 3 });
  const X2 = Float32Array.from(ds2.matrix('train').data, (v) => v / 255);
  const y2 = ds2.train.labels;
  const fixture = join(import.meta.dirname, '../fixtures/workers/kernel-jobs.mjs');
  const sameBits = (a: Float64Array, b: Float64Array): number => {
    if (a.length !== b.length) return -2;
    for (let t = 0; t < a.length; t++) if (!Object.is(a[t], b[t])) return t;
    return -1;
  };

  test('both threads take work, how they split it does not change α by a bit, and a given pool stays open for its owner', async () => {
    const pool = new WorkerPool({ threads: 1 });
    try {
      const options = { kernel, preconditioner: small, tol: 1e-3, test: { Z: Z32, m: 300 }, pool };
      const cold = await kernelInterpolateFast(X2, y2, n2, 784, options);
      cold.dispose();
      const warm = await kernelInterpolateFast(X2, y2, n2, 784, options); // the pool's worker has its engine started: it joins at once
      warm.dispose();
      expect(warm.threadItems.worker).toBeGreaterThan(0);
      expect(warm.threadItems.main).toBeGreaterThan(0);
      expect(sameBits(warm.alpha, cold.alpha)).toBe(-1);
      expect(Array.from(warm.testPredictions!)).toEqual(Array.from(cold.testPredictions!));
      const own = await kernelInterpolateFast(X2, y2, n2, 784, { ...options, pool: undefined }); // its own pool, closed after
      own.dispose();
      expect(sameBits(own.alpha, cold.alpha)).toBe(-1);
      expect(await pool.run({ module: join(import.meta.dirname, '../fixtures/workers/jobs.mjs'), export: 'double', args: 21 })).toBe(42);
    } finally {
      await pool.close();
    }
  });

  test('a worker job that throws rejects the solve at once, with its error', async () => {
    const t0 = performance.now();
    await expect(solve({ workerJob: { module: fixture, export: 'throwAtOnce' } })).rejects.toThrow('kernel worker: injected: the kernel worker failed at its start');
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  test('a worker that fails holding a tile rejects the solve within seconds instead of waiting for the tile', async () => {
    const marker = join(tmpdir(), `rethink-kernel-holding-${process.pid}`); // written by the fixture's worker (same process)
    rmSync(marker, { force: true });
    const cell = new Int32Array(new SharedArrayBuffer(4));
    let released = 0;
    // After this thread's first tile, hold it (synchronously) until the worker holds another one.
    const onProgress: FastKernelOptions['onProgress'] = (p) => {
      if (p.phase !== 'kernel' || released > 0) return;
      const until = performance.now() + 60_000;
      while (!existsSync(marker) && performance.now() < until) Atomics.wait(cell, 0, 0, 10);
      released = performance.now();
    };
    // A worker that is up already: the pool hands it the job without this thread's help (which is held).
    const pool = new WorkerPool({ threads: 1 });
    try {
      expect(await pool.run({ module: join(import.meta.dirname, '../fixtures/workers/jobs.mjs'), export: 'double', args: 1 })).toBe(2);
      const solving = kernelInterpolateFast(X2, y2, n2, 784, { kernel, preconditioner: small, tol: 1e-3, pool, workerJob: { module: fixture, export: 'throwHoldingTile' }, onProgress });
      const outcome = await Promise.race([solving.then(() => 'resolved', (e: unknown) => e), new Promise((r) => setTimeout(() => r('still waiting after 20 s'), 20_000))]);
      expect(existsSync(marker)).toBe(true);
      expect(outcome).toBeInstanceOf(Error);
      expect((outcome as Error).message).toBe('kernel worker: injected: the kernel worker failed holding a tile');
      expect(performance.now() - released).toBeLessThan(5000);
    } finally {
      rmSync(marker, { force: true });
      await pool.destroy();
    }
  });
});
