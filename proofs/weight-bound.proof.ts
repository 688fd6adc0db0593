import { describe, expect, test } from 'vitest';
import { weightBound } from '../src/conjectures/builtins/expressivity.js';
import { search } from '../src/conjectures/search.js';
import { weightBoundHolds, weightBoundRatio } from '../src/expressivity/conjectures.js';
import { interpolateExact } from '../src/expressivity/exact.js';
import { ZERO } from '../src/exact/fraction.js';

/**
 * Known-false conjecture: ‖w‖ ≤ ‖y‖ / min_i (z_(i) − b_i) (the remark after Lemma 1 in Zhang et al.
 * 2017, Appendix C). The built-in conjecture `weight-bound` must be refuted, shrunk to a small
 * counterexample, and replayed from seed and path.
 */
describe('the weight bound ‖w‖ ≤ ‖y‖ / min(z_i − b_i) is false', () => {
  test('the search finds, shrinks and replays a counterexample', async () => {
    const seed = Number(process.env.FC_SEED);
    const found = await search(weightBound, { seed, target: false });
    if (found.verdict !== 'refuted') throw new Error(`weight-bound ${found.verdict} (seed ${seed})`);
    const { X, y } = found.counterexample;
    console.log(`weight bound refuted (seed ${found.seed}, path ${found.path}, ${found.shrinks} shrinks): X = ${JSON.stringify(X)}, y = ${JSON.stringify(y)}`);
    // shrunk: two points already violate it, and the counterexample really violates it
    expect(X.length).toBeLessThanOrEqual(2);
    expect(weightBoundHolds(X, y)).toBe(false);
    // replay from the printed seed and path gives the same counterexample at once
    const replay = await search(weightBound, { seed: found.seed, path: found.path });
    expect(replay).toMatchObject({ verdict: 'refuted', counterexample: found.counterexample });
  });

  test('the smallest counterexample by hand: x = 0, 1 with y = 1, 0', () => {
    // z = x, b = (−1, 1/4): w = (1, −8/3), ‖w‖² = 73/9 > ‖y‖²/min² = 1/(3/4)² = 16/9
    expect(weightBoundHolds([[0], [1]], [1, 0])).toBe(false);
    // the ratio of the two sides, squared: ‖w‖²·min² / ‖y‖² = (73/9)·(9/16) / 1
    expect(weightBoundRatio([[0], [1]], [1, 0])).toEqualFraction('73/16');
    // and a case where it holds, so the check can say both
    expect(weightBoundHolds([[0], [1]], [0, 1])).toBe(true);
    expect(weightBoundRatio([[0], [1]], [0, 0])).toEqualFraction(0);
  });

  test('the ratio takes the smallest diagonal entry z_(i) − b_i, wherever it sits (here the middle one)', () => {
    const X = [[0], [1], [5]];
    const y = [1, 0, 1];
    const net = interpolateExact(X, y);
    // b_0 = z_(0) − 1, then b_i = z_(i−1) + ¼(z_(i) − z_(i−1)): the diagonal is 1, then ¾ of each gap
    expect(net.zSorted.map((z, i) => z.sub(net.b[i]!).toFraction())).toEqual(['1', '3/4', '3']);
    const w2 = net.w.reduce((s, wi) => s.add(wi.mul(wi)), ZERO);
    expect(weightBoundRatio(X, y)).toEqualFraction(w2.mul('3/4').mul('3/4').div(2)); // ‖y‖² = 2
  });
});
