import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runJson } from './helpers.js';
import { loadDataset } from '../../src/data/dataset.js';
import { CLASSES, CLASS_IDS, type ClassSpec } from '../../src/rademacher/classes.js';
import { exhaustiveRademacher } from '../../src/rademacher/estimate.js';
import { thresholds } from '../../src/rademacher/oracles.js';

const bin = join(import.meta.dirname, '../../bin/rethink.js');

describe('rethink rademacher', () => {
  test('--class thresholds --exact gives the golden fractions for n = 1 … 8', async () => {
    const golden = ['1', '3/4', '2/3', '19/32', '11/20', '49/96', '27/56', '467/1024'];
    for (let n = 1; n <= 8; n++) {
      const r = await runJson(['rademacher', '--class', 'thresholds', '--n', String(n), '--exact', '--seed', '1']);
      expect(r).toMatchObject({ class: 'thresholds', n, exact: golden[n - 1], halfWidth: 0 });
    }
  });

  test('Monte Carlo JSON: estimate, half-width, bounds, seed; the estimate sits between the linear lower and upper bounds', async () => {
    const r = await runJson(['rademacher', '--class', 'linear-l2', '--data', 'mnist', '--n', '300', '--draws', '400', '--seed', '5']);
    expect(r).toMatchObject({ class: 'linear-l2', n: 300, exact: null, seed: 5, convention: 'zhang' });
    const bounds = r.bounds as Record<string, number>;
    const e = r.estimate as number;
    const h = r.halfWidth as number;
    const X = loadDataset({ source: 'mnist', n: 300, seed: 5, test: false }).matrix('train');
    let c = 0; // McDiarmid's c for ‖w‖ ≤ 1 is max‖x‖ on the sample (pixels/255)
    for (let i = 0; i < 300; i++) c = Math.max(c, Math.sqrt(X.data.subarray(i * 784, (i + 1) * 784).reduce((s, v) => s + (v / 255) ** 2, 0)));
    expect(h).toBeCloseTo(c * Math.sqrt((2 * Math.log(2 / 0.05)) / (300 * 400)), 12);
    expect(e + h).toBeGreaterThan(bounds['lower (B/n)√(tr K/2)']!);
    expect(e - h).toBeLessThan(bounds['trace (B/n)√tr K']!);
  });

  test('every class on 12 points: the Monte Carlo estimate lies within its half-width of the exact value, the half-width is c·√(2 ln(2/δ)/(nm)) with the class\'s c, upper bounds ≥ the exact value ≥ lower bounds', async () => {
    const n = 12;
    const draws = 400;
    const X = loadDataset({ source: 'synthetic', n, d: 3, seed: 2, test: false }).matrix('train');
    const rows = Array.from({ length: n }, (_, i) => Array.from(X.data.subarray(i * 3, (i + 1) * 3)));
    const maxNorm = Math.max(...rows.map((r) => Math.hypot(...r)));
    const maxAbs = Math.max(...rows.flat().map(Math.abs));
    const maxPolyDiag = Math.max(...rows.map((r) => (r.reduce((s, v) => s + v * v, 0) + 1) ** 2)); // (⟨x, x⟩ + 1)²
    // McDiarmid's c = sup |h| for each class on this sample (B = 1)
    const c: Record<string, number> = {
      finite: 1, 'linear-l2': maxNorm, 'linear-l1': maxAbs, 'rkhs-gaussian': 1, 'rkhs-polynomial': Math.sqrt(maxPolyDiag),
      thresholds: 1, 'two-sided-thresholds': 1, intervals: 1, 'all-functions': 1, 'relu-2layer': 1,
    };
    expect(Object.keys(c).sort()).toEqual([...CLASS_IDS].sort()); // a new class needs its c here
    const oneD: string[] = CLASS_IDS.filter((id) => (CLASSES[id] as ClassSpec).oneDimensional === true);
    expect(oneD).toEqual(['thresholds', 'two-sided-thresholds', 'intervals']);
    for (const cls of Object.keys(c)) {
      const args = ['rademacher', '--class', cls, '--data', 'synthetic', '--n', String(n), ...(oneD.includes(cls) ? [] : ['--d', '3']), '--seed', '2'];
      const exact = await runJson([...args, '--exact']);
      const mc = await runJson([...args, '--draws', String(draws)]);
      expect([exact.class, mc.class, mc.n, mc.draws]).toEqual([cls, cls, n, draws]);
      const value = exact.estimate as number;
      const h = mc.halfWidth as number;
      expect(h, cls).toBeCloseTo(c[cls]! * Math.sqrt((2 * Math.log(2 / 0.05)) / (n * draws)), 12);
      expect(Math.abs((mc.estimate as number) - value), cls).toBeLessThan(h);
      for (const [name, bound] of Object.entries(exact.bounds as Record<string, number>)) {
        if (name.startsWith('lower')) expect(bound, `${cls}: ${name}`).toBeLessThanOrEqual(value);
        else expect(bound, `${cls}: ${name}`).toBeGreaterThanOrEqual(value);
      }
    }
    // classes that fit every labelling of 12 distinct points: exactly 1
    for (const cls of ['all-functions', 'relu-2layer']) {
      const r = await runJson(['rademacher', '--class', cls, '--data', 'synthetic', '--n', String(n), '--d', '3', '--exact', '--seed', '2']);
      expect(r.exact).toBe('1');
    }
    // thresholds on any 12 distinct points: the exact enumeration's fraction
    const thr = await runJson(['rademacher', '--class', 'thresholds', '--data', 'synthetic', '--n', String(n), '--exact', '--seed', '2']);
    expect(thr.exact).toBe(exhaustiveRademacher(thresholds(Array.from({ length: n }, (_, i) => i))).exact!.toFraction());
  });

  test('--compare: the ReLU class is vacuous, the norm-bounded classes are not', async () => {
    const r = await runJson(['rademacher', '--compare', '--n', '200', '--draws', '50', '--seed', '3']);
    const rows = r.compare as { class: string; estimate: number; vacuous: boolean }[];
    expect(rows).toHaveLength(3);
    expect(rows[0]!.vacuous).toBe(false);
    expect(rows[1]!.vacuous).toBe(false);
    expect(rows[2]).toMatchObject({ estimate: 1, vacuous: true });
  });
});

describe('rethink bound', () => {
  test('values and vacuity', async () => {
    const r = await runJson(['bound', '--train-error', '0.02', '--rademacher', '0.05', '--n', '10000', '--delta', '0.05']);
    const bounds = r.bounds as { theorem: string; value: number; vacuous: boolean }[];
    expect(bounds).toHaveLength(2);
    expect(bounds[0]!.value).toBeCloseTo(0.02 + 0.1 + 4 * Math.sqrt((2 * Math.log(80)) / 10000), 12);
    expect(bounds[1]!.value).toBeCloseTo(0.02 + 0.1 + 3 * Math.sqrt(Math.log(40) / 20000), 12);
    expect(bounds.every((b) => !b.vacuous)).toBe(true);
    const fits = await runJson(['bound', '--train-error', '0', '--rademacher', '1', '--n', '50000']);
    expect((fits.bounds as { vacuous: boolean }[]).every((b) => b.vacuous)).toBe(true);
  });
});

describe('bad input', () => {
  const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  test.each([
    [['rademacher', '--class', 'circles'], /--class 'circles' is not one of finite, linear-l2/],
    [['rademacher', '--class', 'thresholds', '--exact', '--n', '25'], /limited to n ≤ 20 \(got --n 25\); use --draws m/],
    [['rademacher', '--class', 'linear-l2', '--B', '0'], /--B 0: must be a number > 0/],
    [['rademacher', '--class', 'linear-l2', '--delta', '1.5'], /--delta 1.5: must be a number in \(0, 1\)/],
    [['rademacher', '--class', 'linear-l2', '--draws', '0'], /--draws 0: must be an integer in \[1, 10000000\]/],
    [['rademacher'], /--class is required; classes: finite/],
    [['bound', '--rademacher', '1', '--n', '5'], /--train-error is required/],
  ])('%j', (args, message) => {
    const res = run(args as string[]);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(message as RegExp);
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });
});
