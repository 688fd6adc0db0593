/**
 * The pieces verdicts are made of: config fields and `--set` overrides, the verdict of a measured
 * value under a tolerance, Spearman's ρ, and plans (shared runs planned once, stable run names,
 * another version's plan refused).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { field, parseFieldValue, parseOverrides, resolveConfig } from '../../src/experiments/config.js';
import { buildPlan, readPlan, runName, type PlanOptions } from '../../src/experiments/plan.js';
import { inOrder, longestFirst, runCost } from '../../src/experiments/execute.js';
import type { FitConfig } from '../../src/training/fit.js';
import { mean, median, ranks, sd, spearman } from '../../src/experiments/stats.js';
import { formatTolerance, formatValue, study, verdictOf } from '../../src/experiments/study.js';

describe('config fields and --set', () => {
  const spec = {
    n: field.integer(500, 'images', { min: 1 }),
    lr: field.number(0.01, 'learning rate', { min: 0 }),
    ps: field.numbers([0, 1], 'levels', { min: 0, max: 1 }),
    seeds: field.integers([1], 'seeds', { min: 0 }),
    model: field.choice('mlp-1x512', ['mlp-1x512', 'small-alexnet'], 'model'),
    crop: field.boolean(false, 'crop'),
  };

  test('values are parsed by type and range; lists comma-separated', () => {
    expect(parseFieldValue('n', spec.n, '300')).toBe(300);
    expect(parseFieldValue('lr', spec.lr, '1e-3')).toBe(0.001);
    expect(parseFieldValue('ps', spec.ps, '0, 0.5,1')).toEqual([0, 0.5, 1]);
    expect(parseFieldValue('crop', spec.crop, 'true')).toBe(true);
    expect(parseFieldValue('model', spec.model, 'small-alexnet')).toBe('small-alexnet');
  });

  test('ill-typed and out-of-range values are refused with what is valid', () => {
    expect(() => parseFieldValue('n', spec.n, '2.5')).toThrow(/--set n=2.5: n must be an integer ≥ 1 \(images\)/);
    expect(() => parseFieldValue('n', spec.n, '0x10')).toThrow(/must be an integer/);
    expect(() => parseFieldValue('n', spec.n, '0')).toThrow(/n must be an integer ≥ 1/);
    expect(() => parseFieldValue('ps', spec.ps, '0,2')).toThrow(/ps must be a number in \[0, 1\]/);
    expect(() => parseFieldValue('ps', spec.ps, '')).toThrow(/a non-empty list/);
    expect(() => parseFieldValue('crop', spec.crop, 'False')).toThrow(/crop must be true or false/);
    expect(() => parseFieldValue('model', spec.model, 'vgg')).toThrow(/model must be one of mlp-1x512, small-alexnet/);
    expect(() => parseOverrides(['epochs'])).toThrow(/write key=value/);
  });

  test('defaults, then the profile, then overrides (unqualified, or qualified with the study)', () => {
    const o = parseOverrides(['n=300', 'other.n=7', 's.seeds=4,5', 'unknown=1']);
    const { values, used } = resolveConfig('s', spec, { lr: 0.1, n: 1000 }, o);
    expect(values).toMatchObject({ n: 300, lr: 0.1, seeds: [4, 5], model: 'mlp-1x512' });
    expect(used.map((u) => u.key)).toEqual(['n', 'seeds']);
    expect(() => resolveConfig('s', spec, {}, parseOverrides(['s.nope=1']))).toThrow(/study s has no field 'nope'; its fields: n, lr, ps, seeds, model, crop/);
  });
});

describe('verdicts', () => {
  test('confirmed exactly within [atLeast, atMost]; the miss is the distance to the interval', () => {
    const t = { atLeast: 1, atMost: 10, why: '' };
    expect(verdictOf(1, t)).toEqual({ verdict: 'confirmed', missBy: 0 });
    expect(verdictOf(10, t)).toEqual({ verdict: 'confirmed', missBy: 0 });
    expect(verdictOf(0.75, t)).toEqual({ verdict: 'not confirmed', missBy: 0.25 });
    expect(verdictOf(12, t)).toEqual({ verdict: 'not confirmed', missBy: 2 });
    expect(verdictOf(0.999, { atLeast: 1, why: '' }).verdict).toBe('not confirmed');
    expect(verdictOf(0.031, { atMost: 0.03, why: '' }).verdict).toBe('not confirmed');
    expect(verdictOf(null, t)).toEqual({ verdict: 'not confirmed', missBy: null });
    expect(verdictOf(NaN, t).verdict).toBe('not confirmed');
  });

  test('values and tolerances print in the claim\'s unit', () => {
    expect(formatValue(0.9123, 'percent')).toBe('91.2%');
    expect(formatValue(2.5, 'ratio')).toBe('2.50×');
    expect(formatTolerance({ atLeast: 0.87, atMost: 0.93, why: '' }, 'percent')).toBe('in [87.0%, 93.0%]');
    expect(formatTolerance({ atMost: 0.06, why: '' }, 'percent')).toBe('≤ 6.0%');
  });

  test('a claim without a bound, or a study id with spaces, is refused', () => {
    const base = { id: 'x', title: '', paper: '', summary: '', config: {}, full: {}, runs: () => [] };
    expect(() => study({ ...base, claims: [{ name: 'c', paper: { where: '', text: '', value: null }, unit: 'number', measure: () => ({ value: 1, text: '' }), tolerance: { why: '' }, scale: { profiles: ['quick'], text: '' } }] })).toThrow(/needs atLeast or atMost/);
    expect(() => study({ ...base, id: 'my study', claims: [] })).toThrow(/lower-case letters/);
  });
});

describe('statistics', () => {
  test('Spearman ρ: 1 for any increasing relation, −1 decreasing, ties averaged, NaN when constant', () => {
    expect(spearman([0, 0.2, 0.4, 1], [1, 1.1, 5, 100])).toBe(1);
    expect(spearman([0, 1, 2], [3, 2, 1])).toBe(-1);
    expect(spearman([0, 0.2, 0.4, 0.6, 0.8, 1], [1, 2, 3, 5, 4, 6])).toBeCloseTo(1 - (6 * 2) / (6 * 35), 12); // one adjacent swap
    expect(ranks([3, 1, 3, 2])).toEqual([3.5, 1, 3.5, 2]);
    expect(spearman([1, 2, 3], [5, 5, 5])).toBeNaN();
    expect(spearman([1], [2])).toBeNaN();
  });

  test('mean, median, sample deviation', () => {
    expect(mean([1, 2, 6])).toBe(3);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(sd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.138, 3);
    expect(sd([1])).toBe(0);
  });
});

describe('plans', () => {
  const options: PlanOptions = { profile: 'quick', data: 'synthetic', dataDir: null, backend: 'wasm', overrides: [], version: '9.9.9' };
  const make = (id: string, seeds: number[]) =>
    study({
      id,
      title: id,
      paper: 'Zhang et al. 2017',
      summary: '',
      config: { seeds: field.integers(seeds, 'seeds'), n: field.integer(20, 'n') },
      full: { n: 50 },
      runs: (c) => c.seeds.map((seed) => ({ name: `s${seed}`, fit: { model: 'mlp-1x512', randomization: 'random-labels', n: c.n, seed, epochs: 2 }, tags: { seed } })),
      claims: [],
    });

  test('a run two studies share is planned once and names both; names come from the configuration', () => {
    const plan = buildPlan([{ study: make('a', [1, 2]), file: 'builtin:a' }, { study: make('b', [2, 3]), file: '/x/b.ts' }], options);
    expect(plan.runs).toHaveLength(3);
    expect(plan.runs[1]!.uses.map((u) => u.study)).toEqual(['a', 'b']);
    expect(plan.runs[0]!.dir).toMatch(/^runs\/mlp-1x512_random-labels_n20_s1_[0-9a-f]{6}$/);
    expect(runName(plan.runs[0]!.config)).toBe(plan.runs[0]!.dir.slice('runs/'.length));
    expect(plan.runs[0]!.config).toMatchObject({ data: 'synthetic', backend: 'wasm', momentum: 0.9, batchSize: 128, testN: null });
  });

  test('the pool starts the costliest runs first (model × images × epochs); equal costs keep the plan order', () => {
    const run = (model: string, n: number, epochs: number, seed: number) => ({ config: { ...buildPlan([{ study: make('a', [seed]), file: 'builtin:a' }], options).runs[0]!.config, model, n, epochs } as FitConfig, seed });
    const runs = [run('mlp-1x512', 500, 150, 1), run('mlp-1x512', 500, 150, 2), run('small-alexnet', 40, 150, 3), run('mlp-3x512', 500, 150, 4), run('mlp-1x512', 1000, 150, 5), run('mlp-1x512', 500, 1, 6)];
    expect(longestFirst(runs).map((r) => r.seed)).toEqual([3, 4, 5, 1, 2, 6]);
    expect(runCost(runs[4]!.config)).toBe(2 * runCost(runs[0]!.config));
    expect(runCost(runs[0]!.config)).toBe(150 * runCost(runs[5]!.config));
  });

  test('inOrder: calls start in the items\' order, at most `concurrency` in flight; a stop or a throw starts no more', async () => {
    const durations = [50, 5, 5, 30, 5, 5, 5];
    const log: string[] = [];
    let inFlight = 0;
    let most = 0;
    const fn = async (i: number): Promise<void> => {
      log.push(`start ${i}`);
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, durations[i]));
      inFlight--;
    };
    expect(await inOrder([0, 1, 2, 3, 4, 5, 6], 2, fn)).toBe(7);
    expect(log).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `start ${i}`));
    expect(most).toBe(2);
    log.length = 0;
    expect(await inOrder([0, 1, 2, 3], 2, fn, () => log.length >= 3)).toBe(3);
    const boom = async (i: number): Promise<void> => {
      log.push(`call ${i}`);
      if (i === 1) throw new Error('no worker');
    };
    log.length = 0;
    await expect(inOrder([0, 1, 2, 3], 1, boom)).rejects.toThrow('no worker');
    expect(log).toEqual(['call 0', 'call 1']);
  });

  test('the id is the content: same inputs same id; another profile, override or backend-independent', () => {
    const s = [{ study: make('a', [1]), file: 'builtin:a' }];
    const id = buildPlan(s, options).id;
    expect(buildPlan(s, options).id).toBe(id);
    expect(buildPlan(s, { ...options, backend: 'cpu' }).id).toBe(id); // a resume may change the backend
    expect(buildPlan(s, { ...options, profile: 'full' }).id).not.toBe(id);
    expect(buildPlan(s, { ...options, overrides: parseOverrides(['n=21']) }).id).not.toBe(id);
    expect(() => buildPlan(s, { ...options, overrides: parseOverrides(['epochz=3']) })).toThrow(/--set epochz: no selected study has a field 'epochz'; fields: n, seeds/);
    expect(() => buildPlan(s, { ...options, overrides: parseOverrides(['zz.n=3']) })).toThrow(/--set zz.n: no selected study is named 'zz'/);
  });

  test('a plan of another version, or with a run outside its directory, is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rethink-plan-'));
    const plan = buildPlan([{ study: make('a', [1]), file: 'builtin:a' }], options);
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
    expect(readPlan(join(dir, 'plan.json'), '9.9.9').id).toBe(plan.id);
    expect(() => readPlan(join(dir, 'plan.json'), '1.0.0')).toThrow(/was written by rethink 9.9.9, this is rethink 1.0.0: make a new plan/);
    writeFileSync(join(dir, 'plan.json'), JSON.stringify({ ...plan, runs: [{ ...plan.runs[0], dir: '../../etc' }] }));
    expect(() => readPlan(join(dir, 'plan.json'), '9.9.9')).toThrow(/outside the results directory/);
    writeFileSync(join(dir, 'plan.json'), '{');
    expect(() => readPlan(join(dir, 'plan.json'), '9.9.9')).toThrow(/is not a plan/);
  });
});
