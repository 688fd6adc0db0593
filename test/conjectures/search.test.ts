import fc from 'fast-check';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { conjecture } from '../../src/conjectures/conjecture.js';
import { search } from '../../src/conjectures/search.js';
import { InputError } from '../../src/errors.js';

const seed = Number(process.env.FC_SEED);
const dirs: string[] = [];
const tempStore = () => {
  const d = mkdtempSync(join(tmpdir(), 'rethink-store-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** x² ≥ x for integers: true. */
const squares = conjecture({ name: 'squares', statement: 'x² ≥ x', arbitrary: fc.integer({ min: -1000, max: 1000 }), predicate: (x) => x * x >= x });
/** "every list of at most 20 small integers sums below 30": false, shrinks to one list summing to exactly 30. */
const smallSums = conjecture({
  name: 'small-sums',
  statement: 'lists of at most 20 integers in [0, 10] sum below 30',
  expected: 'refuted',
  arbitrary: fc.array(fc.integer({ min: 0, max: 10 }), { maxLength: 20 }),
  predicate: (xs) => xs.reduce((a, b) => a + b, 0) < 30,
});

const changes = (ls: boolean[]) => ls.reduce((c, v, i) => c + (i > 0 && v !== ls[i - 1] ? 1 : 0), 0);
/** A needle: 12–16 booleans that alternate everywhere (probability 2^(1−n) ≤ 2^−11 per random input). */
const alternation = conjecture({
  name: 'no-alternation',
  statement: '12 to 16 booleans never alternate all the way',
  expected: 'refuted',
  numRuns: 1000,
  arbitrary: fc.integer({ min: 12, max: 16 }).chain((n) => fc.array(fc.boolean(), { minLength: n, maxLength: n })),
  predicate: (ls) => changes(ls) < ls.length - 1,
  score: (ls) => changes(ls) - (ls.length - 1),
});

describe('search', () => {
  test('a true claim survives, with its runs, seed and coverage; a false one is refuted and shrunk', async () => {
    const s = await search(squares, { seed });
    expect(s.verdict).toBe('survived');
    if (s.verdict !== 'survived') return;
    expect(s).toMatchObject({ runs: 200, seed, expected: 'holds', rejected: 0 });
    expect(s.coverage.distinct).toBeGreaterThan(50);
    expect(s.coverage.labels.reduce((a, l) => a + l.runs, 0)).toBe(200);

    const r = await search(smallSums, { seed });
    expect(r.verdict).toBe('refuted');
    if (r.verdict !== 'refuted') return;
    expect(r.counterexample.reduce((a, b) => a + b, 0)).toBe(30); // shrunk to the boundary
    expect(r.phase).toBe('random');
    expect(r.replay).toBe(`rethink search small-sums --seed ${seed} --path ${r.path}`);
    expect(r.firstFailure!.run).toBeLessThanOrEqual(r.runs);
  });

  test('the same seed gives the same outcome', async () => {
    const a = await search(smallSums, { seed: 5 });
    const b = await search(smallSums, { seed: 5 });
    expect(b).toMatchObject({ verdict: a.verdict, path: (a as { path: string }).path, counterexample: (a as { counterexample: unknown }).counterexample, runs: a.runs });
  });

  test('a predicate that throws is an error with the input, never a refutation; so is a missing return', async () => {
    const throwing = conjecture({ name: 'throws', statement: 's', expected: 'refuted', arbitrary: fc.integer({ min: 0, max: 100 }), predicate: (x) => { if (x > 50) throw new RangeError(`too big: ${x}`); return true; } });
    const r = await search(throwing, { seed });
    expect(r.verdict).toBe('error');
    if (r.verdict !== 'error') return;
    expect(r.cause).toBe('predicate-threw');
    expect(r.input).toBeGreaterThan(50);
    expect(r.error).toMatch(/RangeError: too big/);

    const noReturn = conjecture({ name: 'no-return', statement: 's', arbitrary: fc.integer(), predicate: ((x: number) => { void x; }) as unknown as (x: number) => boolean });
    const n = await search(noReturn, { seed });
    expect(n).toMatchObject({ verdict: 'error', cause: 'not-boolean' });
    expect((n as { error: string }).error).toMatch(/returned undefined/);
  });

  test('health check: when fc.pre rejects most inputs the outcome is an error, not a survival on few cases', async () => {
    const picky = conjecture({ name: 'picky', statement: 's', arbitrary: fc.integer({ min: 0, max: 99 }), predicate: (x) => { fc.pre(x % 10 === 0); return true; } });
    const r = await search(picky, { seed, runs: 100 });
    expect(r).toMatchObject({ verdict: 'error', cause: 'health-check', input: null });
    expect((r as { error: string }).error).toMatch(/fc\.pre rejected \d+ of \d+ generated inputs/);
    // a few rejections are fine
    const mild = conjecture({ name: 'mild', statement: 's', arbitrary: fc.integer({ min: 0, max: 99 }), predicate: (x) => { fc.pre(x % 10 !== 0); return true; } });
    const m = await search(mild, { seed, runs: 100 });
    expect(m.verdict).toBe('survived');
    expect(m.rejected).toBeGreaterThan(0);
  });

  test('async predicates are awaited', async () => {
    const slowFalse = conjecture({ name: 'async', statement: 's', expected: 'refuted', arbitrary: fc.integer({ min: 0, max: 10 }), predicate: async (x) => { await new Promise((r) => setTimeout(r, 0)); return x < 5; } });
    const r = await search(slowFalse, { seed, runs: 50 });
    expect(r).toMatchObject({ verdict: 'refuted', counterexample: 5 });
  });

  test('targeting: with a score the hill-climb finds the needle that random search misses in the same budget', async () => {
    let targetedHits = 0;
    let randomHits = 0;
    for (let s = 1; s <= 5; s++) {
      const t = await search(alternation, { seed: s });
      const u = await search(alternation, { seed: s, target: false });
      if (t.verdict === 'refuted') {
        targetedHits++;
        expect(t.phase).toBe('targeted');
        expect(t.path).toMatch(/^t\d+(\.\d+)+(:\d+)*$/);
        expect(changes(t.counterexample)).toBe(t.counterexample.length - 1);
      }
      if (u.verdict === 'refuted') randomHits++;
      expect(u.targeted).toBe(false);
    }
    expect(targetedHits).toBeGreaterThanOrEqual(4);
    expect(randomHits).toBeLessThan(targetedHits);
  });

  test('every refutation replays exactly from its seed and path: random and targeted phases', async () => {
    for (const c of [smallSums, alternation] as const) {
      for (let s = 1; s <= 3; s++) {
        const r = await search(c as typeof smallSums, { seed: s });
        if (r.verdict !== 'refuted') continue;
        const again = await search(c as typeof smallSums, { seed: s, path: r.path });
        expect(again).toMatchObject({ verdict: 'refuted', phase: 'replay', path: r.path, counterexample: r.counterexample, runs: 0 });
      }
    }
  });

  test('bad replays say what is wrong: no seed, malformed path, stale path', async () => {
    await expect(search(smallSums, { path: '0:1' })).rejects.toThrow(/--path 0:1 needs the --seed it was found with/);
    await expect(search(smallSums, { seed: 1, path: 'nonsense' })).rejects.toThrow(InputError);
    await expect(search(smallSums, { seed: 1, path: '0:x' })).rejects.toThrow(/is malformed/);
    // a path that leads to a passing input
    await expect(search(smallSums, { seed: 1, path: '0' })).rejects.toThrow(/gives no counterexample/);
    await expect(search(alternation, { seed: 1, path: 't0.3' })).rejects.toThrow(/gives no counterexample/);
    // a shrink index past the end of the shrink stream
    await expect(search(smallSums, { seed: 1, path: '0:100000' })).rejects.toThrow(InputError);
  });

  test('the counterexample store: saved on refutation, found again first on the next run without search, dropped when stale', async () => {
    const store = tempStore();
    const first = await search(smallSums, { seed: 3, store });
    expect(first.verdict).toBe('refuted');
    const file = join(store, 'small-sums.json');
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved).toMatchObject({ format: 'rethink-counterexample-1', name: 'small-sums', seed: 3, path: (first as { path: string }).path, counterexample: (first as { counterexample: unknown }).counterexample });

    let evaluations = 0;
    const counted = conjecture({ ...smallSums, predicate: (xs: number[]) => (evaluations++, smallSums.predicate(xs)) });
    const second = await search(counted, { seed: 99, store });
    expect(second).toMatchObject({ verdict: 'refuted', phase: 'store', seed: 3, runs: 0, counterexample: (first as { counterexample: unknown }).counterexample });
    expect(evaluations).toBe(1);
    expect(second.notes.join()).toMatch(/found again from the store/);

    // the conjecture changes: the stored input now holds, so the entry goes and a fresh search runs
    const changed = conjecture({ ...smallSums, predicate: (xs: number[]) => xs.reduce((a, b) => a + b, 0) < 1000 });
    const third = await search(changed, { seed: 99, store, runs: 20 });
    expect(third.verdict).toBe('survived');
    expect(third.notes.join()).toMatch(/no longer fails/);
    expect(existsSync(file)).toBe(false);

    // a corrupt file is reported and ignored
    writeFileSync(file, '{ not json');
    const fourth = await search(smallSums, { seed: 3, store });
    expect(fourth.notes.join()).toMatch(/could not be read/);
    expect(JSON.parse(readFileSync(file, 'utf8')).format).toBe('rethink-counterexample-1');
  });

  test('without a store nothing is written', async () => {
    const store = tempStore();
    await search(smallSums, { seed: 3, store: null });
    expect(existsSync(join(store, 'small-sums.json'))).toBe(false);
  });

  test('conjecture() refuses bad specs, naming the field', () => {
    const base = { name: 'ok', statement: 's', arbitrary: fc.nat(), predicate: () => true };
    expect(() => conjecture({ ...base, name: 'has space' })).toThrow(/name must be letters/);
    expect(() => conjecture({ ...base, statement: ' ' })).toThrow(/statement must say the claim/);
    expect(() => conjecture({ ...base, arbitrary: 5 as unknown as fc.Arbitrary<number> })).toThrow(/must be a fast-check arbitrary/);
    expect(() => conjecture({ ...base, numRuns: 0 })).toThrow(/numRuns must be a positive integer/);
    expect(() => conjecture({ ...base, expected: 'maybe' as 'holds' })).toThrow(/expected must be 'holds' or 'refuted'/);
  });
});
