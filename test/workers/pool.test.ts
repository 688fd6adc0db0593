/**
 * The worker pool: jobs named by module and export, workers reused across jobs, shared memory,
 * progress, errors with their class, a dying worker or a throwing job rejecting at once, and
 * siblings cancelled on failure.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { InputError, InterruptedError } from '../../src/errors.js';
import { WorkerPool } from '../../src/workers/pool.js';

const jobs = join(import.meta.dirname, '../fixtures/workers/jobs.mjs');
const job = (name: string, args: unknown = null) => ({ module: jobs, export: name, args });
const pool = new WorkerPool({ threads: 2 });
afterAll(() => pool.destroy());

describe('WorkerPool', () => {
  test('runs named exports and returns values in the order of the jobs', async () => {
    expect(await pool.runAll([1, 2, 3, 4, 5].map((x) => job('double', x)))).toEqual([2, 4, 6, 8, 10]);
  });

  test('reuses its workers: module state persists from job to job, on at most `threads` threads', async () => {
    const seen = await pool.runAll<{ threadId: number; calls: number }>(Array.from({ length: 8 }, () => job('whoAmI')));
    expect(new Set(seen.map((s) => s.threadId)).size).toBeLessThanOrEqual(2);
    expect(Math.max(...seen.map((s) => s.calls))).toBeGreaterThan(1);
  });

  test('shares memory: a SharedArrayBuffer crosses without a copy', async () => {
    const buffer = new SharedArrayBuffer(8 * 4);
    new Float64Array(buffer).set([1, 2, 3, 4]);
    expect(await pool.run(job('sumShared', { buffer }))).toBe(10);
    expect(new Float64Array(buffer)[0]).toBe(-1);
  });

  test('passes progress from the job to the caller', async () => {
    const seen: unknown[] = [];
    expect(await pool.run(job('withProgress', 3), { onProgress: (v) => seen.push(v) })).toBe(3);
    await new Promise((r) => setTimeout(r, 50)); // the last messages may trail the result
    expect(seen).toEqual([1, 2, 3]);
  });

  test('a job that throws rejects within a second, with its message; an InputError stays one', async () => {
    const t0 = performance.now();
    await expect(pool.run(job('fail', 'boom'))).rejects.toThrow('boom');
    expect(performance.now() - t0).toBeLessThan(1000);
    const err = await pool.run(job('failInput', 'bad flag')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe('bad flag');
  });

  test('a worker that dies rejects its caller within a second, and the pool keeps working', async () => {
    const t0 = performance.now();
    await expect(pool.run(job('crash'))).rejects.toThrow();
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(await pool.run(job('double', 21))).toBe(42);
  });

  test('a failure cancels its siblings (they do not run to the end)', async () => {
    const t0 = performance.now();
    await expect(pool.runAll([job('slow', 5000), job('fail', 'first'), job('slow', 5000)])).rejects.toThrow('first');
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  test('an abort signal stops the jobs with an InterruptedError', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const err = await pool.runAll([job('slow', 5000), job('slow', 5000)], { signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InterruptedError);
  });

  test('a missing module or export is named', async () => {
    await expect(pool.run(job('nope'))).rejects.toThrow(/has no function export 'nope'/);
    await expect(pool.run({ module: '/nowhere/jobs.mjs', export: 'x', args: null })).rejects.toThrow(/\/nowhere\/jobs.mjs does not exist/);
  });
});
