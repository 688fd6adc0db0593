/**
 * The pool's Rademacher job and the threshold, called in-process: test/rademacher/parallel.test.ts runs
 * them on worker threads, which load the compiled dist/ — so mutation testing (which mutates src/ and
 * leaves that file out) would otherwise never see them. Here: the job's sums for its window of draws,
 * nothing written outside it, and its refusals.
 */
import { describe, expect, test } from 'vitest';
import { compressRows, type SparseRows } from '../../src/data/matrix.js';
import { positiveRowSumsJob } from '../../src/rademacher/jobs.js';
import { PARALLEL_MIN_WORK, parallelWorthIt } from '../../src/rademacher/parallel.js';

/** X (3, 2) = [[1, 0], [0, 2], [4, 8]] in shared compressed rows; three draws of σ; a shared (3, 2) result. */
function setup(): { rows: SparseRows; sigma: Int8Array; out: Float64Array } {
  const rows = compressRows({ rows: 3, cols: 2, data: Float64Array.from([1, 0, 0, 2, 4, 8]) }, { maxDensity: 1, shared: true })!;
  const sigma = new Int8Array(new SharedArrayBuffer(9));
  sigma.set([1, -1, 1, /**/ -1, 1, 1, /**/ 1, 1, -1]);
  return { rows, sigma, out: new Float64Array(new SharedArrayBuffer(6 * 8)) };
}

describe('positiveRowSumsJob, in-process', () => {
  test('writes Σ_{σ_ti = +1} x_i for its draws t0 ≤ t < t1 only, and returns how many', () => {
    const { rows, sigma, out } = setup();
    out.fill(-7);
    expect(positiveRowSumsJob({ rows, sigma, out, n: 3, d: 2, t0: 1, t1: 3 })).toBe(2);
    expect(Array.from(out)).toEqual([-7, -7, /**/ 4, 10, /**/ 1, 2]); // draw 0 untouched; rows 2 + 3, then rows 1 + 2
    const all = setup();
    expect(positiveRowSumsJob({ ...all, n: 3, d: 2, t0: 0, t1: 3 })).toBe(3);
    expect(Array.from(all.out)).toEqual([5, 8, /**/ 4, 10, /**/ 1, 2]);
    expect(positiveRowSumsJob({ ...all, n: 3, d: 2, t0: 2, t1: 2 })).toBe(0); // an empty window
  });

  test('refuses arrays outside SharedArrayBuffers (a copy would carry the result away) and windows that do not fit', () => {
    const { rows, sigma, out } = setup();
    const args = { rows, sigma, out, n: 3, d: 2, t0: 0, t1: 3 };
    expect(() => positiveRowSumsJob({ ...args, out: new Float64Array(6) })).toThrow('positiveRowSumsJob: out is not in a SharedArrayBuffer; the result would be lost');
    expect(() => positiveRowSumsJob({ ...args, sigma: Int8Array.from(sigma) })).toThrow('positiveRowSumsJob: sigma is not in a SharedArrayBuffer');
    expect(() => positiveRowSumsJob({ ...args, rows: { ...rows, values: Float64Array.from(rows.values) } })).toThrow('positiveRowSumsJob: rows.values is not in a SharedArrayBuffer');
    const misfit = (t0: number, t1: number) => `positiveRowSumsJob: draws ${t0} … ${t1} do not fit sigma (9 entries, n = 3) and out (6 entries, d = 2)`;
    for (const [t0, t1] of [[-1, 2], [2, 1], [0, 4], [0.5, 2], [0, 2.5]] as const) {
      expect(() => positiveRowSumsJob({ ...args, t0, t1 })).toThrow(misfit(t0, t1));
    }
    expect(() => positiveRowSumsJob({ ...args, out: new Float64Array(new SharedArrayBuffer(5 * 8)) })).toThrow(/out \(5 entries, d = 2\)/); // t1·d > out.length
    expect(() => positiveRowSumsJob({ ...args, sigma: new Int8Array(new SharedArrayBuffer(8)) })).toThrow(/sigma \(8 entries, n = 3\)/); // t1·n > sigma.length
  });

  test('the pool pays off from PARALLEL_MIN_WORK row additions on, with two threads or more', () => {
    expect(parallelWorthIt(PARALLEL_MIN_WORK - 1, 2)).toBe(false);
    expect(parallelWorthIt(PARALLEL_MIN_WORK, 2)).toBe(true);
    expect(parallelWorthIt(PARALLEL_MIN_WORK, 1)).toBe(false);
    expect(parallelWorthIt(PARALLEL_MIN_WORK - 1, 1)).toBe(false);
  });
});
