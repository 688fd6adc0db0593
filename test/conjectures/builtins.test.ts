import { describe, expect, test } from 'vitest';
import { BUILTIN_CONJECTURES, builtinConjecture } from '../../src/conjectures/builtins/index.js';
import { matchesExpected, type SearchResult } from '../../src/conjectures/result.js';
import { search } from '../../src/conjectures/search.js';
import { weightBoundRatio } from '../../src/expressivity/conjectures.js';
import { interpolate } from '../../src/expressivity/interpolate.js';
import { exhaustiveRademacher } from '../../src/rademacher/estimate.js';
import { finiteClass } from '../../src/rademacher/oracles.js';
import { minNormSolution } from '../../src/implicit/least-squares.js';

const seed = Number(process.env.FC_SEED);
const results = new Map<string, Promise<SearchResult>>();
/** One search per built-in at the suite's seed, shared by the tests below. */
function outcome(name: string): Promise<SearchResult<any>> {
  if (!results.has(name)) results.set(name, search(builtinConjecture(name)!, { seed }));
  return results.get(name)!;
}
async function counterexample(name: string): Promise<any> {
  const r = await outcome(name);
  if (r.verdict !== 'refuted') throw new Error(`${name}: expected a refutation, got ${r.verdict}`);
  return r.counterexample;
}

describe('built-in conjectures', () => {
  test('at least 12, uniquely named, each with a statement, a source and an expected outcome', () => {
    expect(BUILTIN_CONJECTURES.length).toBeGreaterThanOrEqual(12);
    expect(new Set(BUILTIN_CONJECTURES.map((c) => c.name)).size).toBe(BUILTIN_CONJECTURES.length);
    for (const c of BUILTIN_CONJECTURES) {
      expect(c.source, c.name).toMatch(/\d{4}/); // a paper and its year
      expect(['holds', 'refuted']).toContain(c.expected);
    }
    expect(BUILTIN_CONJECTURES.filter((c) => c.expected === 'holds').length).toBeGreaterThanOrEqual(3);
    expect(BUILTIN_CONJECTURES.filter((c) => c.empirical).map((c) => c.name)).toEqual(['weight-decay-prevents-fitting']);
  });

  test.each(BUILTIN_CONJECTURES.map((c) => [c.name, c.expected] as const))('%s: the search reaches the expected outcome (%s)', async (name) => {
    const r = await outcome(name);
    expect(r.verdict, JSON.stringify(r)).not.toBe('error');
    expect(matchesExpected(r), `${name}: ${r.verdict} (seed ${seed})`).toBe(true);
  });

  test('weight bound: shrunk to two points, and the exact ratio really exceeds 1', async () => {
    const { X, y } = await counterexample('weight-bound');
    expect(X.length).toBeLessThanOrEqual(2);
    expect(weightBoundRatio(X, y).compare(1)).toBeGreaterThan(0);
  });

  test('Theorem 1 in float32: a numerical counterexample — float64 recovers every label, float32 does not', async () => {
    const { x, y } = await counterexample('theorem1-float32');
    const net = interpolate(x.map((v: number) => [v]), y, { seed: 1 });
    x.forEach((v: number, i: number) => expect(Math.sign(net.predict([v]))).toBe(y[i]));
    expect(builtinConjecture('theorem1-float32')!.predicate({ x, y })).toBe(false);
  });

  test('n − 3 hidden units: the counterexample is a certificate — its labels change sign n − 1 times along the line', async () => {
    const { x, y } = await counterexample('hidden-units-n-minus-3');
    expect(x.length).toBeGreaterThanOrEqual(10);
    const order = x.map((_: number, i: number) => i).sort((i: number, j: number) => x[i] - x[j]);
    const changes = order.slice(1).filter((i: number, k: number) => y[i] !== y[order[k]]).length;
    expect(changes).toBe(x.length - 1);
  });

  test('duplicates: shrunk to the same point twice with different labels', async () => {
    const { x, y } = await counterexample('duplicates-fittable');
    expect(x).toHaveLength(2);
    expect(x[0]).toBe(x[1]);
    expect(y[0]).not.toBe(y[1]);
  });

  test('contraction per σ: a tiny class (≤ 2 hypotheses on ≤ 2 points) where it fails; in expectation it holds on the same class', async () => {
    const { P, sigma } = await counterexample('contraction-per-sigma');
    expect(P.length).toBeLessThanOrEqual(2);
    expect(sigma.length).toBeLessThanOrEqual(2);
    const sup = (rows: number[][]) => finiteClass(rows).supBatch(Int8Array.from(sigma), 1)[0]!;
    expect(sup(P.map((h: number[]) => h.map(Math.abs)))).toBeGreaterThan(sup(P));
    const mean = (rows: number[][]) => exhaustiveRademacher(finiteClass(rows)).exact!;
    expect(mean(P.map((h: number[]) => h.map(Math.abs))).compare(mean(P))).toBeLessThanOrEqual(0);
  });

  test('translation per σ: Σσ_i h₀(x_i) ≠ 0 at the counterexample', async () => {
    const { h0, sigma } = await counterexample('translation-per-sigma');
    expect(h0.reduce((s: number, v: number, i: number) => s + v * sigma[i], 0)).not.toBe(0);
  });

  test('SGD from w₀: the counterexample has a start outside the row span, so the limit is not X⁺y', async () => {
    const { X, y, w0 } = await counterexample('sgd-w0-to-pseudoinverse');
    const correction = minNormSolution(X, X.map((row: number[]) => row.reduce((s, v, j) => s + v * w0[j], 0))); // P_row w₀
    expect(Math.hypot(...w0.map((v: number, j: number) => v - correction[j]!))).toBeGreaterThan(1e-6);
  });

  test('norm-based bound: at the counterexample the term grows from m to 2m points', async () => {
    const c = builtinConjecture('norm-bound-decreases-with-n')!;
    const input = await counterexample(c.name);
    expect(await c.score!(input)).toBeGreaterThan(0);
  });

  test('min-norm interpolants: random labels cost more than twice the norm of true labels at the counterexample', async () => {
    const c = builtinConjecture('min-norm-random-labels')!;
    expect(await c.score!(await counterexample(c.name))).toBeGreaterThan(0);
  });
});
