import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { weightBoundHolds } from '../src/expressivity/conjectures.js';

/**
 * Known-false conjecture: ‖w‖ ≤ ‖y‖ / min_i (z_(i) − b_i) (the paper's remark after Lemma 1).
 * The search must find a counterexample, shrink it to a small one, and replay it from seed and path.
 */
describe('the weight bound ‖w‖ ≤ ‖y‖ / min(z_i − b_i) is false', () => {
  test('fast-check finds, shrinks and replays a counterexample', () => {
    // A flat arbitrary (distinct 1-D points and labels cut to a common n, no chain) shrinks each part
    // on its own, so the search reliably reaches the smallest counterexamples.
    const sample = fc
      .record({ xs: fc.uniqueArray(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 8 }), ys: fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 8 }) })
      .map(({ xs, ys }) => {
        const n = Math.min(xs.length, ys.length);
        return { n, X: xs.slice(0, n).map((x) => [x]), y: ys.slice(0, n) };
      });
    const property = fc.property(sample, (s) => weightBoundHolds(s.X, s.y));
    const seed = Number(process.env.FC_SEED);
    const found = fc.check(property, { seed, numRuns: 500 });
    expect(found.failed).toBe(true);
    const [counterexample] = found.counterexample ?? [];
    if (!counterexample) throw new Error('no counterexample recorded');
    console.log(
      `weight bound refuted (seed ${found.seed}, path ${found.counterexamplePath}, ${found.numShrinks} shrinks): X = ${JSON.stringify(counterexample.X)}, y = ${JSON.stringify(counterexample.y)}`,
    );
    // shrunk: two points already violate it, and the counterexample really violates it
    expect(counterexample.n).toBeLessThanOrEqual(2);
    expect(weightBoundHolds(counterexample.X, counterexample.y)).toBe(false);
    // replay from the printed seed and path gives the same counterexample at once
    const replay = fc.check(property, { seed: found.seed, path: found.counterexamplePath ?? '', endOnFailure: true });
    expect(replay.failed).toBe(true);
    expect(replay.counterexample).toEqual(found.counterexample);
  });

  test('the smallest counterexample by hand: x = 0, 1 with y = 1, 0', () => {
    // z = x, b = (−1, 1/4): w = (1, −8/3), ‖w‖² = 73/9 > ‖y‖²/min² = 1/(3/4)² = 16/9
    expect(weightBoundHolds([[0], [1]], [1, 0])).toBe(false);
    // and a case where it holds, so the check can say both
    expect(weightBoundHolds([[0], [1]], [0, 1])).toBe(true);
  });
});
