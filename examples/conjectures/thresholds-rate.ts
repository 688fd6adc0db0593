import { arbitraries, conjecture, exhaustiveRademacher, thresholds } from 'rethink';

// A guess at the rate of a simple class. Exact values say no: on 2 points R̂ = 3/4 > 1/√2.
export default conjecture({
  name: 'thresholds-rate',
  statement: 'one-sided thresholds on n distinct points have empirical Rademacher complexity R̂ ≤ 1/√n',
  source: 'a guess; R̂ is computed exactly over all 2^n sign vectors',
  expected: 'refuted',
  arbitrary: arbitraries.linePoints(12),
  // R̂ ≤ 1/√n  ⇔  n·R̂² ≤ 1, decided in rational arithmetic
  predicate: (x) => {
    const r = exhaustiveRademacher(thresholds(x)).exact!;
    return r.mul(r).mul(x.length).compare(1) <= 0;
  },
});
