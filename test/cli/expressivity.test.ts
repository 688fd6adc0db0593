import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runJson as runJsonCommand } from './helpers.js';
import { loadDataset } from '../../src/data/dataset.js';
import { ZERO, reluFraction, toFraction } from '../../src/exact/fraction.js';

const tmp = mkdtempSync(join(tmpdir(), 'rethink-cli-'));
const bin = join(import.meta.dirname, '../../bin/rethink.js');

const runJson = (args: string[]) => runJsonCommand(['expressivity', ...args]);

describe('rethink expressivity', () => {
  test('--json reports the documented fields under stable names', async () => {
    const r = await runJson(['--data', 'mnist', '--n', '500', '--randomization', 'random-labels', '--seed', '7']);
    expect(r).toMatchObject({ n: 500, d: 784, parameterCount: 2 * 500 + 784, labelsRecovered: 1, seed: 7, randomization: 'random-labels', p: 1 });
    for (const key of ['constructMs', 'certifyMs', 'dataLoadMs', 'wallMs', 'maxResidual', 'minGap', 'maxAbsWeight', 'labelsChanged']) expect(typeof r[key]).toBe('number');
    expect(r.labelsChanged as number).toBeGreaterThan(0.8);
    expect(r.maxResidual as number).toBeLessThan(1e-6);
  });

  test('the same seed gives the same result', async () => {
    const args = ['--data', 'synthetic', '--n', '300', '--d', '7', '--randomization', 'random-labels', '--seed', '21'];
    const [a, b] = [await runJson(args), await runJson(args)];
    expect(b.maxResidual).toBe(a.maxResidual);
    expect(b.maxAbsWeight).toBe(a.maxAbsWeight);
    // The deprecated spelling still works and means the same thing.
    const old = await runJson(['--data', 'synthetic', '--n', '300', '--d', '7', '--labels', 'random', '--seed', '21']);
    expect(old.maxAbsWeight).toBe(a.maxAbsWeight);
  });

  test('--save writes a network whose residuals, re-evaluated in exact rationals, are within the reported certificate', async () => {
    const file = join(tmp, 'net.json');
    const r = await runJson(['--data', 'synthetic', '--n', '400', '--d', '5', '--seed', '3', '--save', file]);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { a: number[]; b: number[]; w: number[]; k: number; n: number; d: number; seed: number };
    expect([saved.n, saved.d, saved.k, saved.seed]).toEqual([400, 5, 1, 3]);
    const ds = loadDataset({ source: 'synthetic', n: 400, d: 5, seed: 3, test: false });
    const [X, y] = [ds.matrix('train'), ds.train.labels];
    // c(x) = z·S_m − T_m with m = #{b_j < z}: prefix sums of the saved weights, exactly, in mathjs Fractions
    const units = saved.b.map((b, j) => ({ b: toFraction(b), w: toFraction(saved.w[j]!) })).sort((p, q) => p.b.compare(q.b));
    const S = [ZERO];
    const T = [ZERO];
    for (const u of units) {
      S.push(S[S.length - 1]!.add(u.w));
      T.push(T[T.length - 1]!.add(u.w.mul(u.b)));
    }
    let worst = ZERO;
    for (let i = 0; i < 400; i++) {
      const z = saved.a.reduce((s, a, j) => s.add(toFraction(a).mul(toFraction(X.data[i * 5 + j]!))), ZERO);
      let m = 0;
      while (m < units.length && units[m]!.b.compare(z) < 0) m++;
      const residual = z.mul(S[m]!).sub(T[m]!).sub(toFraction(y[i]!)).abs();
      if (residual.compare(worst) > 0) worst = residual;
    }
    expect(worst.compare(toFraction(r.maxResidual as number))).toBeLessThanOrEqual(0); // the certificate is a true bound
    expect(worst.compare(toFraction(0.5))).toBe(-1); // so every integer label is recovered
    expect(r.labelsRecovered).toBe(1);
  });

  test('--exact --save writes fraction strings that evaluate exactly to the labels', async () => {
    const file = join(tmp, 'exact.json');
    const csv = join(tmp, 'toy.csv');
    writeFileSync(csv, 'x1,x2,y\n0,0,1\n1,2,-3\n2,1,4\n5,5,0\n');
    const r = await runJson(['--data', csv, '--exact', '--depth', '2', '--save', file, '--seed', '1']);
    expect(r).toMatchObject({ n: 4, parameterCount: 10, maxResidual: 0, labelsRecovered: 1, depthEqualsShallowExactly: true });
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { a: string[]; b: string[]; w: string[] };
    const rows = [[0, 0], [1, 2], [2, 1], [5, 5]];
    const labels = [1, -3, 4, 0];
    rows.forEach((x, i) => {
      const z = x.reduce((s, v, j) => s.add(toFraction(saved.a[j]!).mul(v)), ZERO);
      const c = saved.w.reduce((s, w, j) => s.add(toFraction(w).mul(reluFraction(z.sub(toFraction(saved.b[j]!))))), ZERO);
      expect(c).toEqualFraction(labels[i]!);
    });
  });

  test('--classes and --depth report their quantities', async () => {
    const multi = await runJson(['--data', 'synthetic', '--n', '200', '--d', '4', '--classes', '--seed', '2']);
    expect(multi).toMatchObject({ k: 10, parameterCount: 4 + 200 + 200 * 10, labelsRecovered: 1 });
    const deep = await runJson(['--data', 'synthetic', '--n', '200', '--d', '4', '--depth', '5', '--seed', '2']);
    expect(deep.depthWidth as number).toBeLessThanOrEqual(Math.ceil(200 / 5) + 3);
    expect(deep.depthMaxDeviation as number).toBeLessThan(1e-6);
  });
});

describe('the rethink binary', () => {
  const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

  test('a λ so large that float64 loses the labels: the certificate says so, and a note names the cause and the fix', () => {
    const r = run(['expressivity', '--data', 'synthetic', '--n', '100', '--lambda', '0.9', '--seed', '1']);
    expect(r.status).toBe(0); // the certificate is honest, not an error
    expect(r.stdout).toMatch(/labels recovered\s+\d+% \(proven\)/);
    expect(r.stderr + r.stdout).toMatch(/note: \d+% of the labels are not certified: .*λ\/\(1 − λ\) = 9 .*use a smaller --lambda \(default 0\.25\) or --exact/);
    expect(run(['expressivity', '--data', 'synthetic', '--n', '100', '--seed', '1']).stderr).not.toMatch(/note:/);
  });

  test('bad input: exit code 2 and one line naming the problem, no stack trace', () => {
    const csv = join(tmp, 'conflict.csv');
    writeFileSync(csv, '1,2,0\n3,4,1\n1,2,1\n');
    const cases: [string[], RegExp][] = [
      [['expressivity', '--data', csv], /rows 1 and 3 \(1-based\) are the same point with different labels/],
      [['expressivity', '--data', join(tmp, 'missing.csv')], /cannot read CSV file .*missing.csv: no such file \(ENOENT\)/],
      [['expressivity', '--frobnicate'], /unknown flag --frobnicate; valid flags: --data/],
      [['expressivity', '--randomization', 'maybe'], /--randomization 'maybe' is not one of true-labels, corrupt-labels, random-labels/],
      [['expressivity', '--n', 'ten'], /--n must be a positive integer or all written in decimal, got 'ten'/],
      [['expressivity', '--exact', '--n', '1000'], /exceeds the exact-arithmetic limit/],
      [['frobnicate'], /unknown command 'frobnicate'; commands: expressivity/],
    ];
    for (const [args, message] of cases) {
      const res = run(args);
      expect(res.status, args.join(' ')).toBe(2);
      const errorLines = res.stderr.split('\n').filter((l) => l !== '' && !/^(seed|data): /.test(l));
      expect(errorLines, args.join(' ')).toHaveLength(1);
      expect(errorLines[0]).toMatch(message);
      expect(res.stderr).not.toMatch(/\n\s+at /);
    }
  });

  test('--debug adds the stack trace', () => {
    const res = run(['expressivity', '--data', join(tmp, 'missing.csv'), '--debug']);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/\n\s+at /);
  });

  test('prints the seed and a table', () => {
    const stdout = execFileSync(process.execPath, [bin, 'expressivity', '--data', 'synthetic', '--n', '100', '--d', '20', '--seed', '99'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(stdout).toMatch(/parameters\s+220 \(= 2n \+ d\)/);
    expect(stdout).toMatch(/labels recovered\s+100% \(proven\)/);
    expect(stdout).toMatch(/seed\s+99/);
  });
});
